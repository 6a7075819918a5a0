package io.oth.install.phase;

import io.oth.install.BackupStore;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.site.ServicePorts;
import io.oth.install.MinioAccessOp;
import io.oth.install.MinioRetiredUserOp;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.AppAccounts;

import java.util.List;

/** The application's bucket, policy and key (the active one of its pair; the other removed), and the backup script's key when the database is local, through MinIO's APIs once it answers (the objects phase started it). */
public final class ObjectsAccounts extends LocalServicePhase {
    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public ObjectsAccounts(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "objects");
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    List<Operation> local(Target t) {
        MinioAccessOp.Endpoint endpoint = new MinioAccessOp.Endpoint(t.node().address(), ports.minio(), inputs.ca().rootCertificate(),
                AppAccounts.OBJECTS_ROOT, inputs.secret(AppAccounts.OBJECTS_ROOT_SECRET));
        AppAccounts.Account active = inputs.account(AppAccounts.OBJECTS_ACCOUNTS);
        List<Operation> ops = new java.util.ArrayList<>(List.of(new MinioAccessOp(endpoint, AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY,
                active.user(), inputs.secret(active.secret()), t.facts().init())));
        inputs.retired(AppAccounts.OBJECTS_ACCOUNTS).ifPresent(r -> ops.add(new MinioRetiredUserOp(endpoint, r.user(), t.facts().init())));
        if (t.site().storage().database().isLocal()) {
            // The backup script's own key, apart from the pair a rotation moves: what copying, listing and expiring backups needs, nothing the application does.
            ops.add(new MinioAccessOp(endpoint, AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_BACKUP_KEY, AppAccounts.OBJECTS_BACKUP_KEY,
                    inputs.secret(AppAccounts.OBJECTS_BACKUP_SECRET), t.facts().init(), BackupStore.ACTIONS));
        }
        return ops;
    }
}
