package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.offline.OfflineBundle;
import io.oth.install.offline.OfflinePackagesOp;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.PackagesOp;
import io.oth.phase.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Debian packages of the node's role and of the storage services it runs: from the node's own
 * package sources, or, for an air-gapped site, from the offline bundle ({@code install --offline-bundle}).
 */
public final class DebianPackages extends InstallPhase {
    private final InstallPlaybook playbook;
    private final Optional<OfflineBundle> offline;

    public DebianPackages(InstallPlaybook.PhaseSpec spec, InstallPlaybook playbook, Optional<OfflineBundle> offline) {
        super(spec);
        this.playbook = playbook;
        this.offline = offline;
    }

    @Override
    public List<Operation> operations(Target t) {
        String role = t.node().role();
        List<String> packages = playbook.packagesFor(t.site(), role);
        boolean storage = role.equals(Roles.STORAGE);
        List<Operation> ops = new ArrayList<>();
        ops.add(offline.<Operation>map(bundle -> new OfflinePackagesOp(role, packages, bundle)).orElseGet(() -> new PackagesOp(packages)));
        if (storage && t.site().storage().broker().isLocal()) {
            // Before anything runs rabbitmqctl (the init script's status does): epmd, which the first
            // such call starts and which outlives RabbitMQ, must bind to loopback from the start.
            ops.add(FileOp.text("/etc/default/rabbitmq-server", "# Managed by oth: epmd on loopback only.\nexport ERL_EPMD_ADDRESS=127.0.0.1\n",
                    "root:root", "0644"));
        }
        return ops;
    }
}
