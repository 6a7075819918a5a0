package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.install.ServiceCertOp;
import io.oth.op.FileOp;
import io.oth.op.WrittenOnceOp;
import io.oth.op.Operation;
import io.oth.op.ReloadOp;
import io.oth.op.ServiceOp;
import io.oth.phase.Target;
import io.oth.remote.Sha256;
import io.oth.secret.Secret;
import io.oth.site.ServicePorts;
import io.oth.template.Templates;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.oth.install.NodeLayout.MARIADB_TLS;

/** MariaDB on the storage node, with its certificate from the site CA, when the database is local. */
public final class Database extends LocalServicePhase {
    /**
     * The site's secret that MariaDB's key at rest is derived from. It stays in the operator's
     * secrets as well, so that a backup restored elsewhere can be read: a key kept only on the
     * node is lost with the node.
     */
    public static final String ENCRYPTION_SECRET = "mariadb.encryption";
    /**
     * MariaDB runs when the server its pid file names is alive and its socket is there: what the
     * init script's {@code status} finds out with a ping, a defaults lookup and ps (half a second
     * of every run), read here from /proc and the file system.
     */
    static final String RUNNING = ServiceOp.pidFileNames("/run/mysqld/mysqld.pid", "mariadbd") + " && [ -S /run/mysqld/mysqld.sock ]";

    /**
     * Why the key file is never replaced: a site state other than the one that installed the node
     * (another operator machine's, or a lost one made anew) has another secret.
     */
    static final String KEY_KEPT = keyKept("MariaDB's tables on this node are encrypted with that key", ENCRYPTION_SECRET);

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public Database(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "database");
        this.inputs = inputs;
        this.ports = ports;
    }

    /**
     * file_key_management's key file: key 1, 256 bits (the SHA-256 of the site's secret, which has
     * about 190 random bits), as {@code 1;HEX}.
     */
    static String keyfile(Secret secret) {
        return "1;" + Sha256.hex(secret.reveal().getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    @Override
    List<Operation> local(Target t) {
        String config = Templates.render("mariadb/60-oth.cnf.peb", Map.of("site", t.site().name(), "address", t.node().address(),
                "port", ports.mariadb(), "keyfile", NodeLayout.MARIADB_KEYFILE));
        return List.of(
                // First, so that a node whose tables are encrypted with another key stops the phase before it changes anything;
                // before the configuration that names it: MariaDB (and the configuration's check) load the key file at start.
                new WrittenOnceOp(FileOp.text(NodeLayout.MARIADB_KEYFILE, keyfile(inputs.secret(ENCRYPTION_SECRET)), "mysql:mysql", "0400")
                        .secret().notifying(NodeServices.MARIADB), KEY_KEPT),
                new ServiceCertOp(inputs.ca(), ServerIdentity.of("mariadb", t), new ServiceCertOp.Files(MARIADB_TLS + "server.key",
                        MARIADB_TLS + "server-chain.pem", MARIADB_TLS + "ca.pem", "mysql:mysql"), ServiceCertOp.Layout.CHAIN_AND_ROOT,
                        inputs.rotate().contains("mariadb"), Set.of("mariadb-tls"), inputs.clock()),
                FileOp.text("/etc/mysql/mariadb.conf.d/60-oth.cnf", config, "root:root", "0644")
                        .checkedWith("mariadbd --defaults-file=\"$1\" --user=mysql --help --verbose >/dev/null").notifying(NodeServices.MARIADB),
                new ServiceOp(NodeServices.MARIADB, t.facts().init(), true).runningWhen(RUNNING),
                new ReloadOp("mariadb-tls", "reload MariaDB's certificate (FLUSH SSL, connections stay up)", "mariadb -e 'FLUSH SSL'")
                        .unlessStarted(NodeServices.MARIADB));
    }
}
