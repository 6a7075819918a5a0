package io.oth.lock;

import io.oth.progress.Progress;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.FixedFleet;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.remote.UnsupportedHost;
import io.oth.site.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** The script as a node runs it, with the lock file in {@code dir} instead of /run/oth. */
    private CommandResult run(String script) throws Exception {
        String local = script.replace(NodeLocks.DIR, dir.toString());
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
    void whatRunsWithTheLockComesBackApartAndOnlyWhenTheLockWasTaken() throws Exception {
        String also = "echo facts; echo 'more facts'";
        NodeLocks.Answer first = NodeLocks.parse("lb", run(NodeLocks.takeScript(ALICE, Optional.empty(), also)));
        assertEquals("free", first.state());
        assertEquals(Optional.of("facts\nmore facts\n"), first.also());
        assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(dir.resolve("lock"))));

        NodeLocks.Answer refused = NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.empty(), also)));
        assertEquals("held", refused.state());
        assertEquals(Optional.of(ALICE), refused.holder(), "the holder's record is read as without the script");
        assertEquals(Optional.empty(), refused.also(), "nothing runs on a node whose lock another run holds");

        run("touch -d '@" + (Instant.now().getEpochSecond() - NodeLocks.STALE.toSeconds() - 5) + "' " + dir.resolve("lock"));
        NodeLocks.Answer taken = NodeLocks.parse("lb", run(NodeLocks.takeScript(BOB, Optional.empty(), also)));
        assertEquals("stale", taken.state());
        assertEquals(Optional.of(ALICE), taken.holder(), "the old record, printed without a newline of its own, still parses");
        assertEquals(Optional.of("facts\nmore facts\n"), taken.also());
    }

    /** A node whose /run/oth is a directory of this machine, its commands run by a local shell. */
    private final class LocalNode extends UnsupportedHost {
        private final Path root;
        /** How long each command waits before it runs: a node slow to answer. */
        private final Duration slow;

        LocalNode(String name) throws Exception {
            this(name, Duration.ZERO);
        }

        LocalNode(String name, Duration slow) throws Exception {
            super(name);
            this.root = Files.createDirectories(dir.resolve(name));
            this.slow = slow;
        }

        @Override
        public CommandResult run(Command command, Duration timeout) {
            try {
                Thread.sleep(slow.toMillis());
                Process p = new ProcessBuilder("sh", "-c", command.render(true).replace(NodeLocks.DIR, root.toString())).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                return new CommandResult(p.exitValue(), out, err);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        Path lock() {
            return root.resolve("lock");
        }
    }

    /** A claim without --lock-wait. */
    private static LockClaim atOnce(Holder holder) {
        return new LockClaim(holder, Duration.ZERO);
    }

    private static Fleet fleet(Host... hosts) {
        List<Fleet.Reach> reaches = java.util.Arrays.stream(hosts).map(h -> Fleet.Reach.reached(
                new Node(h.name(), "app", "10.0.0.1", Optional.empty(), null), h, Duration.ZERO)).toList();
        return new FixedFleet(reaches);
    }

    @Test
    void aRunTakesEveryNodeAndGivesThemBackAtTheEnd() throws Exception {
        LocalNode lb = new LocalNode("lb");
        LocalNode app1 = new LocalNode("app1");
        try (NodeLocks locks = NodeLocks.take(fleet(lb, app1), atOnce(ALICE), 2, line -> { }, Progress.Activity.NONE)) {
            assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(lb.lock())));
            assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(app1.lock())));
        }
        assertFalse(Files.exists(lb.lock()));
        assertFalse(Files.exists(app1.lock()));
    }

    @Test
    void nodesTheRunIsDoneWithAreGivenBackBesideItsLastStepsAndTheOthersAtTheEnd() throws Exception {
        LocalNode lb = new LocalNode("lb");
        LocalNode app1 = new LocalNode("app1");
        LocalNode app2 = new LocalNode("app2");
        try (NodeLocks locks = NodeLocks.take(fleet(lb, app1, app2), atOnce(ALICE), 2, line -> { }, Progress.Activity.NONE)) {
            locks.release(List.of("app1", "app2"));
            // release starts the unlock and returns: the run's next step does not wait for it
            awaitGone(app1.lock());
            awaitGone(app2.lock());
            assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(lb.lock())), "lb is kept until the end");
            Files.writeString(app1.lock(), ALICE.render());
        }
        assertFalse(Files.exists(lb.lock()));
        assertEquals(Optional.of(ALICE), Holder.parse(Files.readString(app1.lock())), "a node given back gets no second unlock");
    }

    @Test
    void closingWaitsForTheNodesStillBeingGivenBack() throws Exception {
        for (int i = 0; i < 2; i++) {
            LocalNode lb = new LocalNode("lb");
            LocalNode app1 = new LocalNode("app1", Duration.ofMillis(300));
            try (NodeLocks locks = NodeLocks.take(fleet(lb, app1), atOnce(ALICE), 2, line -> { }, Progress.Activity.NONE)) {
                locks.release(List.of("app1"));
            }
            assertFalse(Files.exists(app1.lock()), "given back before close returned");
            assertFalse(Files.exists(lb.lock()));
        }
    }

    private static void awaitGone(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(file), file + " is still there");
    }

    @Test
    void oneNodeHeldByAnotherRunStopsTheRunAndTheOtherNodesAreGivenBack() throws Exception {
        LocalNode lb = new LocalNode("lb");
        LocalNode app1 = new LocalNode("app1");
        Files.writeString(app1.lock(), BOB.render());
        RemoteException refused = assertThrows(RemoteException.class, () -> NodeLocks.take(fleet(lb, app1), atOnce(ALICE), 2, line -> { }, Progress.Activity.NONE));
        assertEquals(Failure.LOCKED, refused.failure());
        assertTrue(refused.getMessage().startsWith("app1: another oth run holds the site's lock on this node: the site is being changed by "
                + "`oth upgrade` (pid 77 on host bob-pc, user bob, since "), refused.getMessage());
        assertFalse(Files.exists(lb.lock()), "the lock taken on lb was given back");
        assertEquals(Optional.of(BOB), Holder.parse(Files.readString(app1.lock())), "bob's record stays");
    }

    @Test
    void theRecordOfAGoneProcessOfThisMachineIsTakenOverWithAMessage() throws Exception {
        LocalNode lb = new LocalNode("lb");
        Holder me = Holder.thisProcess("oth install");
        Holder gone = new Holder("00000000deadbeef", me.host(), me.pid(), Optional.of(Instant.parse("2001-01-01T00:00:00Z")), me.user(),
                "oth install", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Files.writeString(lb.lock(), gone.render());
        List<String> said = new java.util.ArrayList<>();
        try (NodeLocks locks = NodeLocks.take(fleet(lb), atOnce(me), 1, said::add, Progress.Activity.NONE)) {
            assertEquals(Optional.of(me), Holder.parse(Files.readString(lb.lock())));
        }
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).startsWith("[lb] taking over the node's lock of `oth install` (pid " + me.pid()), said.get(0));
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

    /** What a node answers to the take script while BOB's live run holds its lock. */
    private static final CommandResult HELD_BY_BOB = new CommandResult(0, "held 12\n" + BOB.render(), "");
    private static final CommandResult FREE = new CommandResult(0, "free 0\n", "");
    private static final String TAKE = "state=free; age=0";
    private static final String RELEASE = "] && rm -f $f";

    /** A clock that moves only when the run sleeps, and the sleeps it was asked for: no test sleeps. */
    private static final class Waits extends Clock implements NodeLocks.Sleeper {
        private Instant now = Instant.parse("2026-12-03T13:10:00Z");
        final List<Duration> slept = new ArrayList<>();
        private Runnable afterSleep = () -> { };

        Waits after(int sleeps, Runnable then) {
            afterSleep = () -> {
                if (slept.size() == sleeps) {
                    then.run();
                }
            };
            return this;
        }

        @Override
        public void sleep(Duration d) {
            slept.add(d);
            now = now.plus(d);
            afterSleep.run();
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void withLockWaitARunWaitsForANodeHeldByAnotherLiveRunAndTakesItOnceThatRunEnds() throws Exception {
        RecordingHost lb = new RecordingHost("lb").when(TAKE, FREE);
        RecordingHost app1 = new RecordingHost("app1").when(TAKE, HELD_BY_BOB);
        Waits waits = new Waits().after(3, () -> app1.when(TAKE, FREE));
        List<String> said = new ArrayList<>();
        try (NodeLocks locks = NodeLocks.take(List.of(lb, app1), new LockClaim(ALICE, Duration.ofMinutes(5)), 2, said::add, waits, waits)) {
            assertEquals(List.of(NodeLocks.POLL, NodeLocks.POLL, NodeLocks.POLL), waits.slept, "asked again every poll until bob's run ended");
        }
        assertEquals(1, said.size(), () -> "said once what it waits for: " + said);
        assertTrue(said.get(0).startsWith("[app1] the site is being changed by `oth upgrade` (pid 77 on host bob-pc, user bob, since "), said.get(0));
        assertTrue(said.get(0).endsWith("; waiting up to 5m for the nodes' locks"), said.get(0));
        assertEquals(4, app1.commands().stream().filter(c -> c.contains(TAKE)).count(), app1.commands()::toString);
        assertEquals(4, lb.commands().stream().filter(c -> c.contains(RELEASE)).count(),
                () -> "lb's lock is given back after each of the 3 refused tries (two waiting runs cannot hold each other up) and at the end: "
                        + lb.commands());
    }

    @Test
    void withLockWaitARunGivesUpAtTheDeadlineNamingTheHolderAndHowLongItWaited() {
        RecordingHost app1 = new RecordingHost("app1").when(TAKE, HELD_BY_BOB);
        Waits waits = new Waits();
        List<String> said = new ArrayList<>();
        RemoteException e = assertThrows(RemoteException.class,
                () -> NodeLocks.take(List.of(app1), new LockClaim(ALICE, Duration.ofSeconds(12)), 1, said::add, waits, waits));
        assertEquals(Failure.LOCKED, e.failure());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2)), waits.slept, "never past the deadline");
        assertTrue(e.getMessage().startsWith("app1: another oth run holds the site's lock on this node: the site is being changed by `oth upgrade` (pid 77"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; nothing was changed (waited 12s)"), e.getMessage());
        assertEquals(1, said.size(), said::toString);
    }

    @Test
    void withoutLockWaitANodeHeldByAnotherRunRefusesAtOnce() {
        RecordingHost app1 = new RecordingHost("app1").when(TAKE, HELD_BY_BOB);
        Waits waits = new Waits();
        List<String> said = new ArrayList<>();
        RemoteException e = assertThrows(RemoteException.class, () -> NodeLocks.take(List.of(app1), atOnce(ALICE), 1, said::add, waits, waits));
        assertEquals(Failure.LOCKED, e.failure());
        assertTrue(e.getMessage().endsWith("; nothing was changed"), e.getMessage());
        assertEquals(List.of(), waits.slept);
        assertEquals(List.of(), said);
    }

    @Test
    void aNodeThatFailsOtherwiseIsNotWaitedFor() {
        RecordingHost lb = new RecordingHost("lb").when(TAKE, HELD_BY_BOB);
        RecordingHost app1 = new RecordingHost("app1").failWhen(TAKE, "mkdir: /run/oth: read-only file system");
        Waits waits = new Waits();
        RemoteException e = assertThrows(RemoteException.class,
                () -> NodeLocks.take(List.of(lb, app1), new LockClaim(ALICE, Duration.ofMinutes(5)), 2, line -> { }, waits, waits));
        assertEquals(List.of(), waits.slept, "waiting cannot mend a node that fails");
        assertEquals(Failure.LOCKED, e.failure(), "the held lock is still what the run names first: " + e.getMessage());
    }
}
