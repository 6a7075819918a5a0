package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.ServiceCertOp;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.ReloadOp;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.site.ServicePorts;
import io.oth.template.Templates;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.oth.install.NodeLayout.MARIADB_TLS;

/** MariaDB on the storage node, with its certificate from the site CA, when the database is local. */
public final class Database extends LocalServicePhase {
    /**
     * MariaDB runs when the server its pid file names is alive and its socket is there: what the
     * init script's {@code status} finds out with a ping, a defaults lookup and ps (half a second
     * of every run), read here from /proc and the file system.
     */
    static final String RUNNING = "p=$(head -c 32 /run/mysqld/mysqld.pid 2>/dev/null | tr -dc 0-9); [ -n \"$p\" ]"
            + " && [ \"$(cat /proc/$p/comm 2>/dev/null)\" = mariadbd ] && [ -S /run/mysqld/mysqld.sock ]";

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public Database(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "database");
        this.inputs = inputs;
        this.ports = ports;
    }

    @Override
    List<Operation> local(Target t) {
        String config = Templates.render("mariadb/60-oth.cnf.peb", Map.of("site", t.site().name(), "address", t.node().address(),
                "port", ports.mariadb()));
        return List.of(
                new ServiceCertOp(inputs.ca(), ServerIdentity.of("mariadb", t), new ServiceCertOp.Files(MARIADB_TLS + "server.key",
                        MARIADB_TLS + "server-chain.pem", MARIADB_TLS + "ca.pem", "mysql:mysql"), ServiceCertOp.Layout.CHAIN_AND_ROOT,
                        inputs.rotate().contains("mariadb"), Set.of("mariadb-tls"), inputs.clock()),
                FileOp.text("/etc/mysql/mariadb.conf.d/60-oth.cnf", config, "root:root", "0644")
                        .checkedWith("mariadbd --defaults-file=\"$1\" --user=mysql --help --verbose >/dev/null").notifying("mariadb"),
                new ServiceOp("mariadb", t.facts().init(), true).runningWhen(RUNNING),
                new ReloadOp("mariadb-tls", "reload MariaDB's certificate (FLUSH SSL, connections stay up)", "mariadb -e 'FLUSH SSL'"));
    }
}
