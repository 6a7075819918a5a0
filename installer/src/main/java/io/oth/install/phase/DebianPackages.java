package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.site.LocalServices;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.PackagesOp;
import io.oth.phase.Target;

import java.util.ArrayList;
import java.util.List;

/** The Debian packages of the node's role and of the storage services it runs. */
public final class DebianPackages extends InstallPhase {
    private final InstallPlaybook playbook;

    public DebianPackages(InstallPlaybook.PhaseSpec spec, InstallPlaybook playbook) {
        super(spec);
        this.playbook = playbook;
    }

    @Override
    public List<Operation> operations(Target t) {
        String role = t.node().role();
        List<String> packages = new ArrayList<>(playbook.packages().getOrDefault(role, List.of()));
        boolean storage = role.equals(Roles.STORAGE);
        if (storage) {
            playbook.servicePackages().forEach((service, list) -> {
                if (LocalServices.runsLocally(t.site(), service)) {
                    packages.addAll(list);
                }
            });
        }
        List<Operation> ops = new ArrayList<>(List.of(new PackagesOp(packages)));
        if (storage && t.site().storage().broker().isLocal()) {
            // Before anything runs rabbitmqctl (the init script's status does): epmd, which the first
            // such call starts and which outlives RabbitMQ, must bind to loopback from the start.
            ops.add(FileOp.text("/etc/default/rabbitmq-server", "# Managed by oth: epmd on loopback only.\nexport ERL_EPMD_ADDRESS=127.0.0.1\n",
                    "root:root", "0644"));
        }
        return ops;
    }
}
