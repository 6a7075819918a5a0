package io.oth.check;

import io.oth.install.DatabaseAccessOp;
import io.oth.op.Change;
import io.oth.op.Probe;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * posture.database: MariaDB's security as install enforces it, so that doctor and
 * {@code oth install --check} never disagree: install's own operation reads the accounts and plans
 * (TLS required for every application account, no anonymous users, no remote root); a plan that is
 * not empty is drift. The runtime {@code require_secure_transport} is read too: SET GLOBAL turns it
 * off without touching the configuration file.
 */
final class SecurityCheck implements NodeCheck {
    private static final String ID = "posture.database";
    private static final String TRANSPORT = "mariadb:transport";

    private final Site site;
    private final Supplier<Optional<Secrets>> secrets;

    /** {@code secrets}: the site's secrets, when this machine has them (install's plan compares the passwords). */
    SecurityCheck(Site site, Supplier<Optional<Secrets>> secrets) {
        this.site = site;
        this.secrets = secrets;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "MariaDB as install secures it: TLS-only application accounts, no anonymous users or remote root, "
                + "require_secure_transport on at runtime", List.of(Vantage.STORAGE)));
    }

    @Override
    public List<Probe> probes(Node node) {
        if (!applies(node)) {
            return List.of();
        }
        List<Probe> probes = new ArrayList<>(accounts().map(DatabaseAccessOp::probes).orElse(List.of()));
        probes.add(new Probe(TRANSPORT, "mariadb -N -B -e 'SELECT @@global.require_secure_transport' 2>&1"));
        return probes;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        if (!applies(node)) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(accounts().map(op -> accounts(node, op.plan(answers, Set.of())))
                .orElseGet(() -> new Finding(ID, node.name(), "MariaDB accounts", Verdict.SKIP, "no site secrets on this machine yet",
                        "run oth doctor where oth install ran")));
        Probe.Answer transport = answers.get(TRANSPORT);
        String value = transport.output().strip();
        findings.add(transport.ok() && value.equals("1") ? Finding.ok(ID, node.name(), "require_secure_transport", "ON")
                : new Finding(ID, node.name(), "require_secure_transport", Verdict.FAIL,
                transport.ok() ? "OFF at runtime (oth's configuration sets it ON)" : "cannot read it: " + value.lines().findFirst().orElse(""),
                "someone ran SET GLOBAL require_secure_transport=OFF: set it ON again, or restart MariaDB to read oth's configuration"));
        return findings;
    }

    private static Finding accounts(Node node, Optional<Change> repair) {
        return repair.map(c -> new Finding(ID, node.name(), "MariaDB accounts", Verdict.FAIL, "drifted: oth install would run "
                        + String.join(" ", c.detail().lines().map(String::strip).toList()), "oth install --check shows the repair, oth install applies it"))
                .orElseGet(() -> Finding.ok(ID, node.name(), "MariaDB accounts", "as oth install sets them (TLS required, no anonymous users, no remote root)"));
    }

    private boolean applies(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().database().isLocal();
    }

    /** Install's operation for the accounts, with the password it compares (none without the site's secrets). */
    private Optional<DatabaseAccessOp> accounts() {
        return secrets.get().flatMap(s -> s.get(AppAccounts.DATABASE_SECRET))
                .map(password -> new DatabaseAccessOp(AppAccounts.DATABASE, AppAccounts.DATABASE_USER, password,
                        site.nodesWithRole(Vantage.APP).stream().map(Node::address).toList()));
    }
}
