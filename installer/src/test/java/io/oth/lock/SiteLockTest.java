package io.oth.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator-side lock: a second run is refused naming the first, waits when asked, and takes a dead run's lock over. */
class SiteLockTest {
    @TempDir
    Path dir;

    private final List<String> said = new CopyOnWriteArrayList<>();

    private Path file() {
        return dir.resolve("state/oth/lab-1/lock");
    }

    private SiteLock take(String command, Duration wait) throws Exception {
        return SiteLock.take("lab-1", file(), Holder.thisProcess(command), wait, Clock.systemUTC(), said::add);
    }

    @Test
    void aSecondRunIsRefusedAtOnceNamingTheHolder() throws Exception {
        try (SiteLock first = take("oth install", Duration.ZERO)) {
            long start = System.nanoTime();
            LockedException refused = assertThrows(LockedException.class, () -> take("oth upgrade", Duration.ZERO));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "refused at once");
            Holder me = first.holder();
            assertTrue(refused.getMessage().matches("site lab-1 is being changed by `oth install` \\(pid " + ProcessHandle.current().pid()
                    + " on host " + java.util.regex.Pattern.quote(me.host()) + ", user " + java.util.regex.Pattern.quote(me.user())
                    + ", since \\d\\d:\\d\\d:\\d\\d UTC, last heartbeat \\d+ s ago\\); wait for it, or use --lock-wait 5m"), refused.getMessage());
        }
        assertTrue(said.isEmpty(), said.toString());
    }

    @Test
    void aRunThatEndedLeavesAFreeLockNotAStaleOne() throws Exception {
        take("oth install", Duration.ZERO).close();
        try (SiteLock again = take("oth install", Duration.ZERO)) {
            assertTrue(said.isEmpty(), () -> "no take-over of a lock released normally: " + said);
        }
        assertEquals(0, Files.size(file()));
    }

    @Test
    void withLockWaitTheSecondRunWaitsForTheFirst() throws Exception {
        SiteLock first = take("oth install", Duration.ZERO);
        CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS).execute(first::close);
        try (SiteLock second = take("oth support open", Duration.ofSeconds(30))) {
            assertEquals("oth support open", Holder.parse(Files.readString(file())).orElseThrow().command());
        }
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).startsWith("site lab-1 is being changed by `oth install` (pid "), said.toString());
        assertTrue(said.get(0).endsWith("; waiting up to 30s"), said.toString());
    }

    @Test
    void aWaitThatRunsOutIsRefused() throws Exception {
        try (SiteLock first = take("oth install", Duration.ZERO)) {
            LockedException refused = assertThrows(LockedException.class, () -> take("oth install", Duration.ofSeconds(1)));
            assertTrue(refused.getMessage().endsWith("(waited 1s)"), refused.getMessage());
        }
    }

    @Test
    void theLockOfADeadRunIsTakenOverSayingWhoseItWas() throws Exception {
        Holder dead = new Holder("0123456789abcdef", "ops-laptop", 4242, Optional.empty(), "alice", "oth install", Instant.parse("2026-01-02T13:05:02Z"));
        Files.createDirectories(file().getParent());
        Files.writeString(file(), dead.render());
        Files.setLastModifiedTime(file(), FileTime.from(Instant.now().minusSeconds(40)));
        try (SiteLock mine = take("oth install", Duration.ZERO)) {
            assertEquals(mine.holder(), Holder.parse(Files.readString(file())).orElseThrow());
        }
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).matches("site lab-1: taking over the lock of `oth install` \\(pid 4242 on host ops-laptop, user alice, "
                + "since 2026-01-02 13:05:02 UTC, last heartbeat 4\\d s ago\\), which ended without releasing it"), said.get(0));
    }

    /** Run in a JVM of its own: tries the lock in {@code args[0]} once and prints what happened. */
    public static final class Another {
        public static void main(String[] args) throws Exception {
            try (SiteLock lock = SiteLock.take("lab-1", Path.of(args[0]), Holder.thisProcess("oth upgrade"), Duration.ZERO, Clock.systemUTC(),
                    System.out::println)) {
                System.out.println("taken");
            } catch (LockedException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    private String anotherProcess() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Another.class.getName(), file().toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void anotherProcessIsRefusedForAsLongAsTheLockIsHeldHeartbeatsIncluded() throws Exception {
        try (SiteLock held = take("oth install", Duration.ZERO)) {
            Thread.sleep(SiteLock.HEARTBEAT.toMillis() * 2 + 500);
            String out = anotherProcess();
            assertTrue(out.startsWith("site lab-1 is being changed by `oth install` (pid " + ProcessHandle.current().pid()), out);
        }
        assertEquals("taken\n", anotherProcess(), "free once released, and not taken over");
    }

    @Test
    void theHeartbeatKeepsTheRecordFresh() throws Exception {
        try (SiteLock held = take("oth install", Duration.ZERO)) {
            Files.setLastModifiedTime(file(), FileTime.from(Instant.now().minusSeconds(60)));
            Thread.sleep(SiteLock.HEARTBEAT.toMillis() * 2 + 500);
            assertTrue(Files.getLastModifiedTime(file()).toInstant().isAfter(Instant.now().minusSeconds(10)));
        }
    }
}
