package io.oth.install.phase;

import io.oth.install.BrokerAccessOp;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.AppAccounts;

import java.util.List;

/** The application's vhost and account on the local RabbitMQ, and oth's own administrator. */
public final class BrokerAccounts extends LocalServicePhase {
    private final Installer.Inputs inputs;

    public BrokerAccounts(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs) {
        super(spec, "broker");
        this.inputs = inputs;
    }

    @Override
    List<Operation> local(Target t) {
        return List.of(new BrokerAccessOp(AppAccounts.BROKER_VHOST, AppAccounts.BROKER_USER, inputs.secret(AppAccounts.BROKER_SECRET), "oth-admin",
                inputs.secret("rabbitmq.oth-admin")));
    }
}
