package io.oth.install.phase;

import io.oth.install.BrokerAccessOp;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.AppAccounts;
import io.oth.site.ServicePorts;

import java.util.List;
import java.util.Optional;

/** The application's vhost and account on the local RabbitMQ (the active one of its pair; the other deleted), and oth's own administrator. */
public final class BrokerAccounts extends LocalServicePhase {
    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public BrokerAccounts(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "broker");
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    List<Operation> local(Target t) {
        AppAccounts.Account active = inputs.account(AppAccounts.BROKER_ACCOUNTS);
        return List.of(new BrokerAccessOp(AppAccounts.BROKER_VHOST, List.of(new BrokerAccessOp.Login(active.user(), inputs.secret(active.secret()))),
                inputs.retired(AppAccounts.BROKER_ACCOUNTS).map(AppAccounts.Account::user).stream().toList(), AppAccounts.BROKER_ADMIN,
                inputs.secret(AppAccounts.BROKER_ADMIN_SECRET), Optional.of(
                new BrokerAccessOp.Management(t.node().address(), ports.managementTls(), inputs.ca().rootCertificate()))));
    }
}
