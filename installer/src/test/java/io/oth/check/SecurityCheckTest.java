package io.oth.check;

import io.oth.op.Probe;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.database: install's own plan for MariaDB's accounts read from the server's answer, and the runtime TLS switch. */
class SecurityCheckTest {
    private static final String PASSWORD = "a-site-password";
    private final Site site = Sites.lab();

    @TempDir
    Path dir;

    /** The findings from MariaDB's answers: the accounts' read (with the runtime switch in a row of its own), or the switch asked alone. */
    private List<Finding> seen(Optional<Secrets> secrets, String accounts, String transport) {
        SecurityCheck check = new SecurityCheck(site, () -> secrets);
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, "storage")).forEach(p -> answers.put(p.key(), new Probe.Answer(0, switch (p.key()) {
            case "mariadb:transport" -> transport;
            default -> accounts + "global\trequire_secure_transport\t" + transport + "\t\t\t\n";
        })));
        return check.findings(Sites.node(site, "storage"), answers);
    }

    private List<String> probed(Optional<Secrets> secrets) {
        return new SecurityCheck(site, () -> secrets).probes(Sites.node(site, "storage")).stream().map(Probe::key).toList();
    }

    private Optional<Secrets> secrets() throws Exception {
        Secrets secrets = Secrets.unsaved(dir.resolve("secrets.yml"));
        secrets.put(AppAccounts.DATABASE_SECRET, Secret.of(PASSWORD));
        secrets.put(AppAccounts.BROKER_SECRET, Secret.of(PASSWORD));
        secrets.put(AppAccounts.BROKER_ADMIN_SECRET, Secret.of(PASSWORD));
        return Optional.of(secrets);
    }

    private static String accounts(String sslType, String... more) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        String hash = "*" + HexFormat.of().formatHex(sha1.digest(sha1.digest(PASSWORD.getBytes(StandardCharsets.UTF_8)))).toUpperCase(Locale.ROOT);
        StringBuilder rows = new StringBuilder("schema\toth\t\t\t\n");
        for (String host : List.of("10.77.0.101", "10.77.0.102")) {
            rows.append("user\toth\t").append(host).append('\t').append(hash).append('\t').append(host.endsWith("101") ? sslType : "ANY").append('\n');
            rows.append("grant\toth\t").append(host).append("\toth\t\n");
        }
        for (String row : more) {
            rows.append(row).append('\n');
        }
        return rows.toString();
    }

    @Test
    void accountsAsInstallSetsThemAndTlsRequiredAreOk() throws Exception {
        List<Finding> findings = seen(secrets(), accounts("ANY"), "1");
        assertEquals(List.of("MariaDB accounts OK", "require_secure_transport OK"),
                findings.stream().map(f -> f.target() + " " + f.verdict()).toList());
    }

    @Test
    void anAccountWithoutRequireSslIsDriftNamingInstallsRepair() throws Exception {
        Finding drift = seen(secrets(), accounts(""), "1").get(0);
        assertEquals(Verdict.FAIL, drift.verdict());
        assertEquals("drifted: oth install would run ALTER USER 'oth'@'10.77.0.101' REQUIRE SSL;", drift.cause());
        assertEquals("oth install --check shows the repair, oth install applies it", drift.hint());
    }

    @Test
    void anAnonymousUserIsDrift() throws Exception {
        Finding drift = seen(secrets(), accounts("ANY", "user\t\tlocalhost\t\t"), "1").get(0);
        assertEquals("drifted: oth install would run DROP USER ''@'localhost';", drift.cause());
    }

    @Test
    void requireSecureTransportTurnedOffAtRuntimeFails() throws Exception {
        Finding off = seen(secrets(), accounts("ANY"), "0").get(1);
        assertEquals(Verdict.FAIL, off.verdict());
        assertEquals("OFF at runtime (oth's configuration sets it ON)", off.cause());
        assertEquals(List.of("mariadb:accounts"), probed(secrets()), "one read says both: MariaDB is asked once");
    }

    @Test
    void accountsThatCannotBeReadLeaveTheSwitchUnknownNotOn() throws Exception {
        SecurityCheck check = new SecurityCheck(site, this::secretsOrFail);
        List<Finding> findings = check.findings(Sites.node(site, "storage"), Map.of("mariadb:accounts", new Probe.Answer(1, "ERROR 2002: Can't connect")));
        assertEquals(List.of(Verdict.FAIL, Verdict.FAIL), findings.stream().map(Finding::verdict).toList());
        assertEquals("cannot read it: \"ERROR 2002: Can't connect\"", findings.get(1).cause());
    }

    /** root's login changed from unix_socket (a password, mysql_secure_installation): said as such, with the statement that lets oth in again. */
    @Test
    void aRootThatNoLongerLogsInOverTheSocketIsNamedWithTheWayBack() throws Exception {
        SecurityCheck check = new SecurityCheck(site, this::secretsOrFail);
        String refused = "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n";
        List<Finding> findings = check.findings(Sites.node(site, "storage"), Map.of("mariadb:accounts", new Probe.Answer(1, refused)));
        for (Finding f : findings) {
            assertEquals(Verdict.FAIL, f.verdict());
            assertTrue(f.cause().endsWith("MariaDB refuses root over its local socket (ERROR 1045): root's login is no longer Debian's unix_socket"
                    + " (a password set by hand, or by mysql_secure_installation?)"), f.cause());
            assertTrue(f.hint().endsWith("ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('...')"), f.hint());
        }
        assertEquals("cannot read MariaDB's accounts: " + io.oth.op.MariaDbRead.ROOT_REFUSED, findings.get(0).cause());
        Finding encryption = EncryptionAtRestCheck.finding("storage", new Probe.Answer(1, refused));
        assertEquals(io.oth.op.MariaDbRead.ROOT_REFUSED_HINT, encryption.hint());
        // another account refused is not this: shown as MariaDB said it
        Finding other = check.findings(Sites.node(site, "storage"), Map.of("mariadb:accounts",
                new Probe.Answer(1, "ERROR 1045 (28000): Access denied for user 'oth'@'localhost'"))).get(0);
        assertTrue(other.hint().startsWith("is MariaDB running"), other.hint());
    }

    /** A MariaDB that did not answer within the read's bound is hung: the second round does not wait for it again; other failures are tried again. */
    @Test
    void aReadOfMariaDbThatRanOutOfItsBoundIsNotTriedAgain() throws Exception {
        SecurityCheck check = new SecurityCheck(site, this::secretsOrFail);
        Probe accounts = check.probes(Sites.node(site, "storage")).get(0);
        assertEquals(false, check.triedAgain(accounts, new Probe.Answer(1, "MariaDB did not answer within 10 s\n")));
        assertEquals(true, check.triedAgain(accounts, new Probe.Answer(1, "ERROR 2002 (HY000): Can't connect to local server\n")));
        assertEquals(false, check.triedAgain(accounts, new Probe.Answer(0, "user\tapp\n")));
    }

    private Optional<Secrets> secretsOrFail() {
        try {
            return secrets();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutTheSecretsTheAccountsAreSkippedTheSwitchIsStillRead() {
        List<Finding> findings = seen(Optional.empty(), "", "1");
        assertEquals(List.of(Verdict.SKIP, Verdict.OK), findings.stream().map(Finding::verdict).toList());
        assertEquals(List.of("mariadb:transport"), probed(Optional.empty()));
        assertEquals(List.of(), new SecurityCheck(site, Optional::empty).probes(Sites.node(site, "app1")));
    }

    @Test
    void accountsThatCouldNotBeReadAreNamedOnceWhateverSaidSo() {
        assertEquals("cannot read MinIO's accounts: MinIO did not answer (\"x\")", io.oth.site.AppAccounts.unread("MinIO", "MinIO did not answer (\"x\")"));
        // install's read of MinIO names the accounts in its own failure already
        assertEquals("cannot read MinIO's accounts: storage: remote operation failed: Read timed out", SecurityCheck.unread("MinIO",
                new RemoteException("storage", Failure.COMMAND_FAILED, "cannot read MinIO's accounts: Read timed out")));
        assertEquals("cannot read RabbitMQ's accounts: storage: command timed out: no answer", SecurityCheck.unread("RabbitMQ",
                new RemoteException("storage", Failure.COMMAND_TIMEOUT, "no answer")));
    }
}
