package io.oth.install.phase;

import io.oth.install.BrokerAccessOp;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.AppAccounts;

import java.util.List;

/** The application's vhost and account on the local RabbitMQ, and oth's own administrator. */
public final class BrokerAccounts extends InstallPhase {
    private final Installer.Inputs inputs;

    public BrokerAccounts(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs) {
        super(spec);
        this.inputs = inputs;
    }

    @Override
    public List<Operation> operations(Target t) {
        if (!t.site().storage().broker().isLocal()) {
            return List.of();
        }
        return List.of(new BrokerAccessOp(AppAccounts.BROKER_VHOST, AppAccounts.BROKER_USER, inputs.secret(AppAccounts.BROKER_SECRET), "oth-admin",
                inputs.secret("rabbitmq.oth-admin")));
    }
}
