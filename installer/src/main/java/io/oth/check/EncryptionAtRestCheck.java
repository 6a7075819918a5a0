package io.oth.check;

import io.oth.op.MariaDbRead;
import io.oth.op.Probe;
import io.oth.remote.NodeText;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.List;
import java.util.Map;

/**
 * posture.encryption: MariaDB on the storage node keeps its data encrypted at rest, as install
 * configures it: tablespace encryption forced, the redo log and temporary tables encrypted, and
 * the share of InnoDB tablespaces the encryption threads have converted (an install that turned
 * encryption on converts the existing ones online, so a share below 100 % is a conversion in
 * progress). What MariaDB answers is read as a node's word: bounded and parsed strictly.
 */
final class EncryptionAtRestCheck implements NodeCheck {
    static final String ID = "posture.encryption";
    private static final String KEY = "posture.encryption:mariadb";
    /** InnoDB's temporary tablespace is encrypted page by page as written (innodb_encrypt_temporary_tables), never by the threads. */
    private static final String TEMPORARY = "innodb_temporary";
    private static final int MAX_TABLESPACES = 100_000;

    private final Site site;

    EncryptionAtRestCheck(Site site) {
        this.site = site;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "MariaDB encrypts at rest: tablespaces (forced, the share converted), redo log, temporary tables;"
                + " the object store's bucket encrypts by default (SSE-S3): a failure for the site's MinIO, a warning for an external S3 endpoint",
                List.of(Vantage.STORAGE, Vantage.APP)));
    }

    private boolean applies(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().database().isLocal();
    }

    @Override
    public List<Probe> probes(Node node) {
        if (!applies(node)) {
            return List.of();
        }
        return List.of(MariaDbRead.probe(KEY, "SELECT 'settings', @@innodb_encrypt_tables, @@innodb_encrypt_log,"
                + " @@innodb_encrypt_temporary_tables; SELECT 'space', s.NAME, COALESCE(e.ENCRYPTION_SCHEME, 0), COALESCE(e.MIN_KEY_VERSION, 0)"
                + " FROM information_schema.INNODB_SYS_TABLESPACES s LEFT JOIN information_schema.INNODB_TABLESPACES_ENCRYPTION e"
                + " ON e.SPACE = s.SPACE", MAX_TABLESPACES + 2));
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        if (!applies(node)) {
            return List.of();
        }
        return List.of(finding(node.name(), answers.get(KEY)));
    }

    static Finding finding(String node, Probe.Answer answer) {
        String target = "MariaDB at rest";
        if (answer == null || !answer.ok()) {
            if (answer != null && MariaDbRead.rootRefused(answer.output())) {
                return new Finding(ID, node, target, Verdict.FAIL, "cannot read MariaDB's encryption state: " + MariaDbRead.ROOT_REFUSED,
                        MariaDbRead.ROOT_REFUSED_HINT);
            }
            String said = answer == null ? "no answer" : NodeText.shown(answer.output().strip().lines().findFirst().orElse("no output"));
            return new Finding(ID, node, target, Verdict.FAIL, "cannot read MariaDB's encryption state: " + said,
                    "is MariaDB running? oth install starts it");
        }
        String settings = null;
        int spaces = 0;
        int encrypted = 0;
        for (String line : answer.output().lines().toList()) {
            String[] f = line.split("\t", -1);
            if (f.length == 4 && f[0].equals("settings")) {
                settings = String.join(" ", f[1], f[2], f[3]);
            } else if (f.length == 4 && f[0].equals("space") && f[2].matches("[0-9]{1,3}") && f[3].matches("[0-9]{1,10}")) {
                if (f[1].equals(TEMPORARY)) {
                    continue;
                }
                spaces++;
                if (!f[2].equals("0") && !f[3].equals("0")) {
                    encrypted++;
                }
            } else if (!line.isBlank()) {
                return new Finding(ID, node, target, Verdict.FAIL, "unexpected answer from MariaDB: " + NodeText.shown(line), "");
            }
        }
        if (settings == null || !settings.equals("FORCE 1 1")) {
            return new Finding(ID, node, target, Verdict.FAIL, "encryption at rest is not as install sets it (innodb_encrypt_tables,"
                    + " innodb_encrypt_log, innodb_encrypt_temporary_tables: " + (settings == null ? "unknown" : NodeText.shown(settings))
                    + "; want FORCE 1 1)", "oth install --check shows the repair, oth install applies it");
        }
        if (spaces == 0) {
            return new Finding(ID, node, target, Verdict.FAIL, "MariaDB lists no InnoDB tablespace", "");
        }
        String share = encrypted + " of " + spaces + " InnoDB tablespaces encrypted (" + (100 * encrypted / spaces) + " %)";
        if (encrypted < spaces) {
            return new Finding(ID, node, target, Verdict.WARN, share + "; the encryption threads convert the rest online",
                    "run doctor again in a while; a share that does not grow: see MariaDB's log on " + node);
        }
        return Finding.ok(ID, node, target, share + "; redo log and temporary tables encrypted");
    }
}
