package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.NodeLayout;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;

/** A daily backup of the local database by cron, kept for the days playbooks/install.yml says. */
public final class DatabaseBackups extends LocalServicePhase {
    /** Where Debian's cron init script keeps the daemon's pid. */
    private static final String CRON_PID = "/var/run/crond.pid";
    private final InstallPlaybook playbook;

    public DatabaseBackups(InstallPlaybook.PhaseSpec spec, InstallPlaybook playbook) {
        super(spec, "database");
        this.playbook = playbook;
    }

    @Override
    List<Operation> local(Target t) {
        Map<String, Object> vars = Map.of("site", t.site().name(), "dir", playbook.backups().dir(),
                "retention_days", playbook.backups().retentionDays(), "database", "oth");
        return List.of(
                FileOp.text(NodeLayout.BACKUP_SCRIPT, Templates.render("backup/oth-backup.peb", vars), "root:root", "0755").checkedWith("sh -n \"$1\""),
                FileOp.text("/etc/cron.d/oth-backup", Templates.render("backup/oth-backup.cron.peb", vars), "root:root", "0644"),
                new ServiceOp("cron", t.facts().init(), false).runningWhen(ServiceOp.pidFileNames(CRON_PID, "cron")));
    }
}
