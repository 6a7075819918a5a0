package io.oth.lock;

import io.oth.remote.CommandResult;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's lock script, run by a local shell in a scratch directory, and its answers read with bounds. */
class NodeLocksTest {
    private static final Holder ALICE = new Holder("0123456789abcdef", "ops-laptop", 4242, Optional.empty(), "alice", "oth install",
            Instant.parse("2026-12-03T13:05:02Z"));
    private static final Holder BOB = new Holder("fedcba9876543210", "bob-pc", 77, Optional.empty(), "bob", "oth upgrade",
            Instant.parse("2026-12-03T13:06:00Z"));

    @TempDir
    Path dir;

    /** The script as a node runs it, with the lock file in {@code dir} instead of /var/lib/oth. */
    private CommandResult run(String script) throws Exception {
        String local = script.replace("/var/lib/oth", dir.toString());
        Process p = new ProcessBuilder("sh", "-c", local).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new CommandResult(p.exitValue(), out, err);
    }

    @Test
    void aFreeLockIsTakenAndAnotherRunIsToldWhoHoldsIt() throws Exception {
        NodeLocks.Answer first = NodeLocks.parse("lb", run(NodeLocks.takeScript(ALICE, Optional.empty())));
        assertEquals("free", first.state());
        assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(dir.resolve("lock"))));

        NodeLocks.Answer second = NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.empty())));
        assertEquals("held", second.state());
        assertEquals(Optional.of(ALICE), second.holder());
        assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(dir.resolve("lock"))), "the holder's record stays");

        assertEquals("free", NodeLocks.parse("lb", run(NodeLocks.takeScript(ALICE, Optional.empty()))).state(), "a run may take its own lock again");
    }

    @Test
    void aRecordWithoutHeartbeatIsStaleAndTakenOver() throws Exception {
        run(NodeLocks.takeScript(ALICE, Optional.empty()));
        run("touch -d '@" + (Instant.now().getEpochSecond() - NodeLocks.STALE.toSeconds() - 5) + "' " + dir.resolve("lock"));
        NodeLocks.Answer taken = NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.empty())));
        assertEquals("stale", taken.state());
        assertEquals(Optional.of(ALICE), taken.holder());
        assertTrue(taken.age() >= NodeLocks.STALE.toSeconds());
        assertEquals(Optional.of(BOB), Holder.parse(Files.readString(dir.resolve("lock"))));
    }

    @Test
    void theRecordOfARunKnownDeadIsTakenOverAtOnce() throws Exception {
        run(NodeLocks.takeScript(ALICE, Optional.empty()));
        assertEquals("held", NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.of(BOB.run())))).state(), "only the dead run's record");
        NodeLocks.Answer taken = NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.of(ALICE.run()))));
        assertEquals("stale", taken.state());
        assertEquals(Optional.of(BOB), Holder.parse(Files.readString(dir.resolve("lock"))));
    }

    @Test
    void aNodesAnswerThatOthDoesNotWriteIsAnError() {
        for (String answer : List.of("", "mine 0\n", "held\n", "held 12 13\n", "held 12\n" + "x".repeat(Holder.MAX_BYTES + 10),
                "held 1e9\n")) {
            RemoteException e = assertThrows(RemoteException.class, () -> NodeLocks.parse("app1", new CommandResult(0, answer, "")), answer);
            assertTrue(e.getMessage().startsWith("app1: remote operation failed: the node's answer about its lock"), e.getMessage());
        }
        NodeLocks.Answer unreadable = assertDoesNotThrow("held 12\nrun=../x\n");
        assertEquals(Optional.empty(), unreadable.holder(), "an unreadable record is a holder oth cannot name, not an error");
    }

    private static NodeLocks.Answer assertDoesNotThrow(String answer) {
        try {
            return NodeLocks.parse("app1", new CommandResult(0, answer, ""));
        } catch (RemoteException e) {
            throw new AssertionError(e);
        }
    }
}
