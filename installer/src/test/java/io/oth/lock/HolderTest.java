package io.oth.lock;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A lock record is read back as untrusted text: only what oth writes is a record. */
class HolderTest {
    private static final Holder ALICE = new Holder("0123456789abcdef", "ops-laptop", 4242, Optional.of(Instant.parse("2026-12-03T13:00:00Z")),
            "alice", "oth install", Instant.parse("2026-12-03T13:05:02Z"));

    @Test
    void aRecordReadsBackAsWritten() {
        assertEquals(Optional.of(ALICE), Holder.parse(ALICE.render()));
        Holder me = Holder.thisProcess("oth certs rotate");
        assertEquals(Optional.of(me), Holder.parse(me.render()));
        assertTrue(me.runsHere());
        assertFalse(ALICE.runsHere());
    }

    @Test
    void aProcessThatEndedButIsNotReapedHoldsNothing() throws Exception {
        // sh starts a child that ends at once and becomes sleep, which never reaps it: a zombie for a while.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 30").start();
        try {
            long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().strip());
            for (int i = 0; i < 500 && !Holder.ended(child); i++) {
                Thread.sleep(20);
            }
            assertTrue(Holder.ended(child), "a zombie has ended");
            assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "which Java alone takes for alive");
            assertFalse(Holder.ended(parent.pid()), "a running process has not");
            assertFalse(Holder.ended(ProcessHandle.current().pid()));
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void whatOthDoesNotWriteIsNoRecord() {
        String good = ALICE.render();
        for (String bad : new String[] {
            "",
            good.replace("pid=4242", "pid=-1"),
            good.replace("pid=4242", "pid=99999999999"),
            good.replace("host=ops-laptop", "host=ops\u001b[2Jlaptop"),
            good.replace("command=oth install", "command=oth install; rm -rf /"),
            good.replace("run=0123456789abcdef", "run=../../etc"),
            good + "pid=1\n",
            good.replace("since=2026-12-03T13:05:02Z", "since=yesterday"),
            good.substring(0, good.length() / 2),
            good + "x=" + "a".repeat(Holder.MAX_BYTES) + "\n",
        }) {
            assertEquals(Optional.empty(), Holder.parse(bad), bad);
        }
    }

    @Test
    void theDescriptionNamesWhoWhereAndSinceWhen() {
        assertEquals("`oth install` (pid 4242 on host ops-laptop, user alice, since 13:05:02 UTC, last heartbeat 2 s ago)",
                ALICE.describe(Optional.of(java.time.Duration.ofSeconds(2)), Instant.parse("2026-12-03T14:00:00Z")));
        assertEquals("`oth install` (pid 4242 on host ops-laptop, user alice, since 2026-12-03 13:05:02 UTC)",
                ALICE.describe(Optional.empty(), Instant.parse("2026-12-04T01:00:00Z")));
    }
}
