package io.oth.install;

import io.oth.op.Change;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accounts MariaDB reports in, the statements that make them what the site wants out; the password never shown. */
class DatabaseAccessOpTest {
    private static final String PASSWORD = "s3cret-Pw";
    private final DatabaseAccessOp op = new DatabaseAccessOp("oth", "oth", Secret.of(PASSWORD), List.of("10.77.0.101"));

    private Optional<Change> plan(String... rows) {
        Probe probe = op.probes().get(0);
        return op.plan(Map.of(probe.key(), new Probe.Answer(0, String.join("\n", rows) + "\n")), Set.of());
    }

    private static String row(String... columns) {
        return String.join("\t", columns);
    }

    private String wanted(String transport) {
        return String.join("\n", row("user", "root", "localhost", "", ""),
                row("user", "oth", "10.77.0.101", DatabaseAccessOp.nativePasswordHash(PASSWORD), "ANY"),
                row("schema", "oth", "", "", ""), row("grant", "oth", "10.77.0.101", "oth", ""),
                row("global", "require_secure_transport", transport, "", ""));
    }

    @Test
    void aServerAsTheSiteWantsItNeedsNothing() {
        assertEquals(Optional.empty(), plan(wanted("1")));
    }

    @Test
    void requireSecureTransportTurnedOffAtRuntimeIsTurnedOnAgain() {
        Change change = plan(wanted("0")).orElseThrow();
        assertEquals("database accounts: 1 statement(s)", change.summary());
        assertEquals("  SET GLOBAL require_secure_transport = ON;", change.detail());
    }

    @Test
    void aNewAccountIsTlsOnlyAndItsPasswordIsNotShown() {
        Change change = plan(row("user", "root", "localhost", "", ""), row("global", "require_secure_transport", "1", "", "")).orElseThrow();
        assertTrue(change.detail().contains("CREATE USER 'oth'@'10.77.0.101' IDENTIFIED BY *** REQUIRE SSL"), change.detail());
        assertTrue(!change.detail().contains(PASSWORD) && !change.summary().contains(PASSWORD), change.detail());
    }

    private static Optional<Change> plan(DatabaseAccessOp op, String... rows) {
        Probe probe = op.probes().get(0);
        return op.plan(Map.of(probe.key(), new Probe.Answer(0, String.join("\n", rows) + "\n")), Set.of());
    }

    @Test
    void duringARotationTheIdleAccountIsUnlockedWithItsNewPasswordBesideTheActiveOne() {
        String fresh = "fresh-Pw";
        DatabaseAccessOp both = new DatabaseAccessOp("oth", List.of(new DatabaseAccessOp.Login("oth", Secret.of(PASSWORD)),
                new DatabaseAccessOp.Login("oth_b", Secret.of(fresh))), List.of(), List.of("10.77.0.101"));
        Change change = plan(both, row("user", "oth", "10.77.0.101", DatabaseAccessOp.nativePasswordHash(PASSWORD), "ANY", "open"),
                row("user", "oth_b", "10.77.0.101", DatabaseAccessOp.nativePasswordHash("older"), "ANY", "locked"),
                row("schema", "oth", "", "", "", ""), row("grant", "oth", "10.77.0.101", "oth", "", ""), row("grant", "oth_b", "10.77.0.101", "oth", "", ""),
                row("global", "require_secure_transport", "1", "", "", "")).orElseThrow();
        assertEquals("  ALTER USER 'oth_b'@'10.77.0.101' IDENTIFIED BY ***;\n  ALTER USER 'oth_b'@'10.77.0.101' ACCOUNT UNLOCK;", change.detail());
        assertTrue(!change.detail().contains(fresh), change.detail());
    }

    @Test
    void afterARotationTheOldAccountIsLockedOnceAndThenLeftAlone() {
        DatabaseAccessOp rotated = new DatabaseAccessOp("oth", List.of(new DatabaseAccessOp.Login("oth_b", Secret.of(PASSWORD))), List.of("oth"),
                List.of("10.77.0.101"));
        String[] rows = {row("user", "oth_b", "10.77.0.101", DatabaseAccessOp.nativePasswordHash(PASSWORD), "ANY", "open"),
                row("user", "oth", "10.77.0.101", DatabaseAccessOp.nativePasswordHash("old"), "ANY", "open"),
                row("user", "oth", "10.77.0.99", DatabaseAccessOp.nativePasswordHash("old"), "ANY", "open"),
                row("schema", "oth", "", "", "", ""), row("grant", "oth_b", "10.77.0.101", "oth", "", ""),
                row("global", "require_secure_transport", "1", "", "", "")};
        assertEquals("  DROP USER 'oth'@'10.77.0.99';\n  ALTER USER 'oth'@'10.77.0.101' ACCOUNT LOCK;", plan(rotated, rows).orElseThrow().detail(),
                "an address that is no app node's any more loses either account");
        rows[1] = rows[1].replace("\topen", "\tlocked");
        rows[2] = row("user", "root", "localhost", "", "", "open");
        assertEquals(Optional.empty(), plan(rotated, rows));
        assertEquals(Optional.empty(), plan(new DatabaseAccessOp("oth", List.of(new DatabaseAccessOp.Login("oth_b", Secret.of(PASSWORD))), List.of("oth"),
                List.of("10.77.0.101")), rows[0], rows[3], rows[4], rows[5]), "a locked account that does not exist needs nothing");
    }
}
