package io.oth.install;

import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.MariaDbRead;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.site.AppAccounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MariaDB's accounts as the site wants them: the application's database, least-privilege accounts
 * per app node address that must use TLS, no anonymous users, no remote root, no test database,
 * and {@code require_secure_transport} on in the running server (oth's configuration sets it; a
 * {@code SET GLOBAL} behind oth's back would otherwise last until the next restart).
 * Read from the server first; only the statements that are needed are run, as root over the unix
 * socket, with the SQL (and so the password) on stdin.
 *
 * <p>The application has a pair of accounts used in turn ({@code oth secrets rotate}): those in
 * {@code logins} log in with their password, unlocked; those in {@code locked} that exist are kept
 * locked (MariaDB 10.11 has no second password per account, so the idle one of the pair is locked
 * rather than dropped: its next rotation resets it).
 */
public record DatabaseAccessOp(String database, List<Login> logins, List<String> locked, List<String> appAddresses) implements Operation {
    private static final String KEY = "mariadb:accounts";
    private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "::1");
    static final String PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES";

    /** An account that logs in, on every app node's address, with this password. */
    public record Login(String user, Secret password) {
    }

    /** One account that logs in, and no other of the application's kept locked. */
    public DatabaseAccessOp(String database, String user, Secret password, List<String> appAddresses) {
        this(database, List.of(new Login(user, password)), List.of(), appAddresses);
    }

    @Override
    public String subject() {
        return "database accounts";
    }

    @Override
    public List<Probe> probes() {
        return List.of(MariaDbRead.probe(KEY, "SELECT 'user', u.User, u.Host, u.authentication_string, u.ssl_type,"
                + " IF(JSON_EXTRACT(g.Priv, '$.account_locked') = true, 'locked', 'open') FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host;"
                + " SELECT 'schema', SCHEMA_NAME, '', '', '', '' FROM information_schema.SCHEMATA;"
                + " SELECT 'grant', User, Host, Db, '', '' FROM mysql.db;"
                + " SELECT 'global', 'require_secure_transport', @@GLOBAL.require_secure_transport, '', '', ''"));
    }

    @Override
    public Optional<String> unanswered(Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.get(KEY);
        return answer.ok() ? Optional.empty()
                : Optional.of(MariaDbRead.rootRefused(answer.output()) ? MariaDbRead.ROOT_REFUSED : NodeText.diagnostic(answer.output()));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(KEY);
        Optional<String> unanswered = unanswered(answers);
        if (unanswered.isPresent()) {
            return Optional.of(failing(AppAccounts.unread("MariaDB", unanswered.get())
                    + (unanswered.get().equals(MariaDbRead.ROOT_REFUSED) ? "; " + MariaDbRead.ROOT_REFUSED_HINT : "")));
        }
        List<String[]> rows = rows(answer);
        List<String> statements = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        if (rows.stream().anyMatch(r -> r[0].equals("schema") && r[1].equals("test"))) {
            add(statements, shown, "DROP DATABASE test");
        }
        if (rows.stream().noneMatch(r -> r[0].equals("schema") && r[1].equals(database))) {
            add(statements, shown, "CREATE DATABASE " + ident(database) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        Set<String> ours = new java.util.HashSet<>(locked);
        logins.forEach(l -> ours.add(l.user()));
        for (String[] r : rows) {
            boolean anonymous = r[0].equals("user") && r[1].isEmpty();
            boolean remoteRoot = r[0].equals("user") && r[1].equals("root") && !LOCAL.contains(r[2]);
            boolean staleAppUser = r[0].equals("user") && ours.contains(r[1]) && !appAddresses.contains(r[2]);
            if (anonymous || remoteRoot || staleAppUser) {
                add(statements, shown, "DROP USER " + account(r[1], r[2]));
            }
        }
        for (Login login : logins) {
            String user = login.user();
            String hash = nativePasswordHash(login.password().reveal());
            for (String host : appAddresses) {
                Optional<String[]> existing = user(rows, user, host);
                if (existing.isEmpty()) {
                    statements.add("CREATE USER " + account(user, host) + " IDENTIFIED BY " + literal(login.password().reveal()) + " REQUIRE SSL");
                    shown.add("CREATE USER " + account(user, host) + " IDENTIFIED BY *** REQUIRE SSL");
                } else {
                    if (!existing.get()[3].equalsIgnoreCase(hash)) {
                        statements.add("ALTER USER " + account(user, host) + " IDENTIFIED BY " + literal(login.password().reveal()));
                        shown.add("ALTER USER " + account(user, host) + " IDENTIFIED BY ***");
                    }
                    if (!existing.get()[4].equals("ANY")) {
                        add(statements, shown, "ALTER USER " + account(user, host) + " REQUIRE SSL");
                    }
                    if (isLocked(existing.get())) {
                        add(statements, shown, "ALTER USER " + account(user, host) + " ACCOUNT UNLOCK");
                    }
                }
                boolean granted = rows.stream().anyMatch(r -> r[0].equals("grant") && r[1].equals(user) && r[2].equals(host) && r[3].equals(database));
                if (!granted) {
                    add(statements, shown, "GRANT " + PRIVILEGES + " ON " + ident(database) + ".* TO " + account(user, host));
                }
            }
        }
        for (String user : locked) {
            for (String host : appAddresses) {
                user(rows, user, host).filter(r -> !isLocked(r)).ifPresent(r -> add(statements, shown, "ALTER USER " + account(user, host) + " ACCOUNT LOCK"));
            }
        }
        if (rows.stream().anyMatch(r -> r[0].equals("global") && r[1].equals("require_secure_transport") && !r[2].equals("1"))) {
            add(statements, shown, "SET GLOBAL require_secure_transport = ON");
        }
        if (statements.isEmpty()) {
            return Optional.empty();
        }
        Secret sql = Secret.of(String.join(";\n", statements) + ";\n");
        return Optional.of(Change.of("database accounts: " + statements.size() + " statement(s)", "  " + String.join(";\n  ", shown) + ";", Set.of(),
                context -> {
                    CommandResult r = context.host().run(Command.of("mariadb", "--batch"), sql, Duration.ofSeconds(60));
                    if (!r.ok()) {
                        throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "MariaDB refused the account changes: " + r.diagnostic());
                    }
                }));
    }

    /** The rows of the read. Five columns: what a server read before the lock column was asked for says (every account open). */
    private static List<String[]> rows(Probe.Answer answer) {
        return answer.output().lines().map(l -> l.split("\t", -1)).filter(r -> r.length == 5 || r.length == 6).toList();
    }

    /**
     * MariaDB's runtime {@code require_secure_transport} (1: on) as this operation's read found it,
     * for a reader that reports it apart: the value, or the read's own failure.
     */
    public Probe.Answer requireSecureTransport(Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.getOrDefault(KEY, new Probe.Answer(1, ""));
        if (!answer.ok()) {
            return answer;
        }
        return rows(answer).stream().filter(r -> r[0].equals("global") && r[1].equals("require_secure_transport")).findFirst()
                .map(r -> new Probe.Answer(0, r[2])).orElse(new Probe.Answer(1, ""));
    }

    private static Optional<String[]> user(List<String[]> rows, String user, String host) {
        return rows.stream().filter(r -> r[0].equals("user") && r[1].equals(user) && r[2].equals(host)).findFirst();
    }

    private static boolean isLocked(String[] userRow) {
        return userRow.length == 6 && userRow[5].equals("locked");
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the database, a TLS-only account per app node, no anonymous users, no remote root, no test database and require_secure_transport ON:"
                + " already as wanted";
    }

    /** MariaDB's mysql_native_password hash: "*" and the hex of SHA1(SHA1(password)). */
    static String nativePasswordHash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            return "*" + HexFormat.of().formatHex(sha1.digest(once)).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(List<String> statements, List<String> shown, String statement) {
        statements.add(statement);
        shown.add(statement);
    }

    private static String account(String user, String host) {
        return literal(user) + "@" + literal(host);
    }

    private static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static Change failing(String why) {
        return Change.refusal("database accounts: " + why, why);
    }
}
