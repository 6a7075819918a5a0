package io.oth.install.phase;

import io.oth.install.BackupStore;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.remote.Command;
import io.oth.secret.AgeKey;
import io.oth.secret.ExternalSecret;
import io.oth.site.AppAccounts;
import io.oth.site.ServicePorts;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;

/**
 * A daily backup of the local database by cron, encrypted to the site's backup key, kept for the
 * days playbooks/install.yml says on the storage node and in the object store's bucket.
 */
public final class DatabaseBackups extends LocalServicePhase {
    /** Where Debian's cron init script keeps the daemon's pid. */
    private static final String CRON_PID = "/var/run/crond.pid";
    private final InstallPlaybook playbook;
    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public DatabaseBackups(InstallPlaybook.PhaseSpec spec, InstallPlaybook playbook, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "database");
        this.playbook = playbook;
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    List<Operation> local(Target t) {
        String recipient = AgeKey.recipient(inputs.secret(AppAccounts.BACKUP_IDENTITY, AgeKey::generate));
        BackupStore store = BackupStore.of(t.site().storage().objects(), t.node(), ports.minio(),
                () -> inputs.secret(AppAccounts.OBJECTS_BACKUP_SECRET),
                () -> inputs.external(ExternalSecret.OBJECTS_SECRET_KEY));
        NodeLayout.SecretFile config = NodeLayout.backupStoreConfig();
        Map<String, Object> vars = script(t.site().name(), playbook.backups(), recipient, store.bucketUrl(), config.path());
        return List.of(
                FileOp.text(config.path(), store.curlConfig().reveal(), config.owner(), config.mode()).secret(),
                FileOp.text(NodeLayout.BACKUP_SCRIPT, Templates.render("backup/oth-backup.peb", vars), "root:root", "0755").checkedWith("sh -n \"$1\""),
                FileOp.text(NodeLayout.BACKUP_CRON, Templates.render("backup/oth-backup.cron.peb", vars), "root:root", "0644"),
                new ServiceOp(NodeServices.CRON, t.facts().init(), false).runningWhen(ServiceOp.pidFileNames(CRON_PID, "cron")));
    }

    /** The backup script's and cron file's variables. */
    static Map<String, Object> script(String site, InstallPlaybook.Backups backups, String recipient, String bucketUrl, String storeConfig) {
        if (!AgeKey.isRecipient(recipient)) {
            throw new IllegalArgumentException("not an age recipient: " + recipient);
        }
        return Map.ofEntries(Map.entry("site", site), Map.entry("dir", backups.dir()), Map.entry("retention_days", backups.retentionDays()),
                Map.entry("database", AppAccounts.DATABASE), Map.entry("recipient", recipient), Map.entry("bucket_url", Command.quote(bucketUrl)),
                Map.entry("s3_config", storeConfig), Map.entry("prefix", BackupStore.PREFIX),
                Map.entry("prefix_query", BackupStore.PREFIX.replace("/", "%2F")), Map.entry("suffix", BackupStore.SUFFIX),
                Map.entry("suffix_pattern", BackupStore.SUFFIX.replace(".", "\\.")));
    }
}
