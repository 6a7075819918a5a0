package io.oth.check;

import io.oth.install.DatabaseAccessOp;
import io.oth.op.Change;
import io.oth.op.MariaDbRead;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
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
 * posture.database: MariaDB's security as install enforces it, so that doctor and {@code oth install
 * --check} never disagree. Install's own operation reads the accounts and plans (TLS required for
 * every application account, no anonymous users, no remote root); a plan that is not empty is
 * drift, named by what install would do ({@link BrokerAccountsCheck} and {@link ObjectAccountsCheck}
 * do the same for RabbitMQ and MinIO, through their APIs). MariaDB's runtime {@code require_secure_transport}
 * is read too (in the same read of the accounts; alone when there are no secrets here to read them
 * with): SET GLOBAL turns it off without touching the configuration file.
 */
final class SecurityCheck implements NodeCheck {
    private static final String DATABASE = "posture.database";
    private static final String TRANSPORT = "mariadb:transport";

    /** One service's accounts: the check id, what it is called, and install's operation for it (none without the secrets). */
    private record Accounts(String id, String target, Optional<DatabaseAccessOp> op) {
    }

    private final Site site;
    private final Supplier<Optional<Secrets>> secrets;

    /** {@code secrets}: the site's secrets, when this machine has them (install's plans compare the passwords). */
    SecurityCheck(Site site, Supplier<Optional<Secrets>> secrets) {
        this.site = site;
        this.secrets = secrets;
    }

    static List<CheckInfo> checks() {
        List<String> storage = List.of(Vantage.STORAGE);
        return List.of(new CheckInfo(DATABASE, "MariaDB as install secures it: TLS-only application accounts, no anonymous users or remote root, "
                        + "require_secure_transport on at runtime", storage));
    }

    /** The accounts' read, which says require_secure_transport too; only without it (no secrets here) is the switch asked alone. */
    @Override
    public List<Probe> probes(Node node) {
        List<Probe> probes = new ArrayList<>();
        List<Accounts> accounts = accounts(node);
        accounts.forEach(a -> a.op().ifPresent(op -> probes.addAll(op.probes())));
        if (databaseHere(node) && databaseRead(accounts).isEmpty()) {
            probes.add(MariaDbRead.probe(TRANSPORT, "SELECT @@global.require_secure_transport"));
        }
        return probes;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        List<Finding> findings = new ArrayList<>();
        List<Accounts> accounts = accounts(node);
        for (Accounts a : accounts) {
            findings.add(a.op().map(op -> accounts(a.id(), node, a.target(), "MariaDB", op, answers,
                            op.unanswered(answers).filter(MariaDbRead.ROOT_REFUSED::equals).map(refused -> MariaDbRead.ROOT_REFUSED_HINT)
                                    .orElse("is MariaDB running on " + node.name() + "? (see service.database)")))
                    .orElseGet(() -> new Finding(a.id(), node.name(), a.target(), Verdict.SKIP, "no site secrets on this machine yet",
                            "run oth doctor where oth install ran")));
        }
        if (databaseHere(node)) {
            Optional<DatabaseAccessOp> read = databaseRead(accounts);
            Probe.Answer transport = read.isEmpty() ? answers.get(TRANSPORT) : read.get().requireSecureTransport(answers);
            String value = transport.output().strip();
            boolean refused = !transport.ok() && MariaDbRead.rootRefused(value);
            findings.add(transport.ok() && value.equals("1") ? Finding.ok(DATABASE, node.name(), "require_secure_transport", "ON")
                    : new Finding(DATABASE, node.name(), "require_secure_transport", Verdict.FAIL,
                    transport.ok() ? "OFF at runtime (oth's configuration sets it ON)"
                            : "cannot read it: " + (refused ? MariaDbRead.ROOT_REFUSED : NodeText.shown(value.lines().findFirst().orElse(""))),
                    refused ? MariaDbRead.ROOT_REFUSED_HINT
                            : transport.ok() ? "someone ran SET GLOBAL require_secure_transport=OFF: set it ON again, or restart MariaDB to read oth's configuration"
                            : "is MariaDB running on " + node.name() + "? (see service.database)"));
        }
        return findings;
    }

    /**
     * Install's read of {@code service}'s accounts as a finding: accounts that could not be read
     * (the service did not answer) say so, with {@code hint}; otherwise install's plan is the finding
     * ({@link #drift}).
     */
    static Finding accounts(String id, Node node, String target, String service, Operation op, Map<String, Probe.Answer> answers, String hint) {
        return op.unanswered(answers)
                .map(why -> new Finding(id, node.name(), target, Verdict.FAIL, AppAccounts.unread(service, why), hint))
                .orElseGet(() -> drift(id, node, target, op.plan(answers, Set.of())));
    }

    /** {@link AppAccounts#unread} for a read that failed on the node: its words once, where they name the accounts already (install's do). */
    static String unread(String service, RemoteException failed) {
        return AppAccounts.unread(service, failed.getMessage().replace(AppAccounts.unread(service, ""), ""));
    }

    /** Install's plan for a service's accounts as a finding: an empty plan is as install sets them, any change is drift. */
    static Finding drift(String id, Node node, String target, Optional<Change> repair) {
        return repair.map(c -> new Finding(id, node.name(), target, Verdict.FAIL, "drifted: oth install "
                        + (c.detail().isBlank() ? "plans " + c.summary() : "would run " + String.join(" ", c.detail().lines().map(String::strip).toList())),
                        "oth install --check shows the repair, oth install applies it"))
                .orElseGet(() -> Finding.ok(id, node.name(), target, "as oth install sets them"));
    }

    /** Install's read of MariaDB's accounts, when it runs (the secrets are here). */
    private static Optional<DatabaseAccessOp> databaseRead(List<Accounts> accounts) {
        return accounts.stream().filter(a -> a.id().equals(DATABASE)).flatMap(a -> a.op().stream()).findFirst();
    }

    private boolean databaseHere(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().database().isLocal();
    }

    /** The accounts of the services that run on {@code node}, each with install's operation when the secrets are here. */
    private List<Accounts> accounts(Node node) {
        List<Accounts> accounts = new ArrayList<>();
        List<String> apps = site.nodesWithRole(Vantage.APP).stream().map(Node::address).toList();
        if (databaseHere(node)) {
            accounts.add(new Accounts(DATABASE, "MariaDB accounts", secrets.get().flatMap(known -> {
                AppAccounts.Account active = AppAccounts.DATABASE_ACCOUNTS.active(known);
                List<String> locked = AppAccounts.DATABASE_ACCOUNTS.retired(known).map(AppAccounts.Account::user).stream().toList();
                return known.get(active.secret()).map(password -> new DatabaseAccessOp(AppAccounts.DATABASE,
                        List.of(new DatabaseAccessOp.Login(active.user(), password)), locked, apps));
            })));
        }
        return accounts;
    }
}
