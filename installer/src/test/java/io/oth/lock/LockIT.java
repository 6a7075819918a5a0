package io.oth.lock;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.lab.Launched;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run at a time per site, on the lab: a second install refuses before it connects, naming the
 * first; with --lock-wait it waits for it; after a kill -9 of the holder the next run takes its
 * lock over, on this side and on the nodes, and says whose it was.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LockIT {
    private static final Pattern HOLDER = Pattern.compile("site lab is being changed by `oth install` \\(pid (\\d+) on host \\S+, user \\S+, "
            + "since \\d\\d:\\d\\d:\\d\\d UTC, last heartbeat \\d+ s ago\\)");

    /** Bare nodes: the first install takes a minute, long enough to meet it with a second one. */
    @BeforeAll
    static void freshLab(Lab lab) {
        lab.bareNodes();
    }

    @Test
    @Order(1)
    void aSecondInstallRefusesAtOnceNamingTheFirstAndOneWithLockWaitWaitsForIt(Lab lab) throws Exception {
        Launched first = Launched.oth(Map.of(), "install", "--site", lab.site().toString());
        try {
            refusedThenWaited(lab, first);
        } finally {
            first.stop();
        }
    }

    private static void refusedThenWaited(Lab lab, Launched first) throws Exception {
        assertTrue(first.awaitLine(l -> l.startsWith("[storage] == "), Duration.ofSeconds(120)).isPresent(), first::output);

        long start = System.nanoTime();
        Run second = Run.oth("install", "--site", lab.site().toString());
        long took = System.nanoTime() - start;
        assertEquals(ExitCode.BUSY.code(), second.code(), second::toString);
        Matcher named = HOLDER.matcher(second.err());
        assertTrue(named.find(), second::toString);
        assertTrue(first.pids().contains(Long.parseLong(named.group(1))), () -> "the pid is the first run's " + first.pids() + "\n" + second);
        assertTrue(second.err().contains("; wait for it, or use --lock-wait 5m; nothing was done"), second::toString);
        assertEquals("", second.out(), "no phase ran, no node was contacted");
        assertTrue(took < Duration.ofSeconds(10).toNanos(), "refused at once, not after a timeout");

        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertFalse(check.err().contains("is being changed"), () -> "a plan takes no lock\n" + check);
        Run nodes = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, nodes.code(), () -> "a read-only command takes no lock\n" + nodes);

        Launched waiting = Launched.oth(Map.of(), "install", "--site", lab.site().toString(), "--lock-wait", "5m");
        try {
            waitedFor(first, waiting);
        } finally {
            waiting.stop();
        }
    }

    private static void waitedFor(Launched first, Launched waiting) throws Exception {
        assertTrue(waiting.awaitLine(l -> HOLDER.matcher(l).find() && l.endsWith("; waiting up to 5m"), Duration.ofSeconds(60)).isPresent(),
                waiting::output);
        assertEquals(0, first.exit(Duration.ofMinutes(5)), first::output);
        assertEquals(0, waiting.exit(Duration.ofMinutes(5)), waiting::output);
        assertTrue(waiting.output().contains("install: 0 change(s) made, 0 host(s) failed"), () -> "it ran after the first had finished\n"
                + waiting.output());
        assertFalse(waiting.output().contains("taking over"), () -> "the first released its lock\n" + waiting.output());
    }

    @Test
    @Order(2)
    void afterAKillDashNineTheNextRunTakesTheLockOverSayingWhoseItWas(Lab lab) throws Exception {
        lab.exec("storage", "rm", "-f", "/etc/cron.d/oth-backup");
        Launched killed = Launched.oth(Map.of(), "install", "--site", lab.site().toString());
        try {
            assertTrue(killed.awaitLine(l -> l.startsWith("[storage] == "), Duration.ofSeconds(120)).isPresent(), killed::output);
        } finally {
            killed.kill9();
        }
        assertTrue(lab.exec("lb", "cat", "/run/oth/lock").contains("command=oth install"), "the killed run left its record on the node");

        Run next = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, next.code(), next::toString);
        assertTrue(next.err().matches("(?s).*oth: site lab: taking over the lock of `oth install` \\(pid \\d+ on host \\S+, user \\S+, since "
                + "\\d\\d:\\d\\d:\\d\\d UTC, last heartbeat \\d+ s ago\\), which ended without releasing it.*"), next::toString);
        assertTrue(next.out().contains("[lb] taking over the node's lock of `oth install` (pid "), next::toString);
        assertTrue(next.out().contains("resuming after an interrupted run"), next::toString);
        assertEquals(1, lab.tryExec("lb", "test", "-e", "/run/oth/lock").exitCode(), "a run that ended removes its node records");
    }

    @Test
    @Order(3)
    void aNodeHeldByAnotherOperatorsRunIsRefusedAndNothingIsChanged(Lab lab) throws Exception {
        String other = new Holder("0123456789abcdef", "other-operator", 4242, java.util.Optional.empty(), "bob", "oth upgrade",
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).render();
        lab.exec("app1", "sh", "-c", "mkdir -p /run/oth && printf %s '" + other + "' > /run/oth/lock");
        lab.exec("lb", "sh", "-c", "echo '# a hand edit' >> /etc/haproxy/haproxy.cfg");
        try {
            Run refused = Run.oth("install", "--site", lab.site().toString());
            assertEquals(ExitCode.BUSY.code(), refused.code(), refused::toString);
            assertTrue(refused.err().contains("app1: another oth run holds the site's lock on this node: the site is being changed by `oth upgrade` "
                    + "(pid 4242 on host other-operator, user bob, since "), refused::toString);
            assertTrue(lab.exec("lb", "cat", "/etc/haproxy/haproxy.cfg").contains("# a hand edit"), "no node was changed");
            assertEquals(1, lab.tryExec("lb", "test", "-e", "/run/oth/lock").exitCode(), "the locks taken were given back");
        } finally {
            lab.exec("app1", "rm", "-f", "/run/oth/lock");
        }
        Run fix = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, fix.code(), fix::toString);
    }
}
