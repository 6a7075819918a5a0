package io.oth.op;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Facts in, planned repair out: a half-started RabbitMQ is named and cleaned up, a running one left alone. */
class HalfStartedOpTest {
    private final HalfStartedOp op = new HalfStartedOp("rabbitmq-server", InitSystem.SYSV, Optional.of("rabbitmq"),
            Set.of("beam.smp", "epmd", "erl_child_setup"), "/var/run/rabbitmq/pid");

    private Optional<Change> plan(String probeOutput) {
        return op.plan(Map.of("half-started:rabbitmq-server", new Probe.Answer(0, probeOutput)), Set.of());
    }

    @Test
    void aRunningServiceIsLeftAlone() {
        assertEquals(Optional.empty(), plan("running"));
    }

    @Test
    void aStoppedServiceWithNothingLeftNeedsNothing() {
        assertEquals(Optional.empty(), plan(""));
    }

    @Test
    void leftoverVmsAndAStalePidFileAreNamedAndOnlyTheServicesProgramsAreStopped() {
        Change c = plan("pidfile 4242\nprocess 101 beam.smp\nprocess 102 epmd\nprocess 103 bash\nprocess 104 beam.smp\nprocess x; rm -rf / beam.smp").orElseThrow();
        assertEquals("rabbitmq-server is not running but an earlier start left it half-started: stop 3 leftover process(es) of rabbitmq"
                + " (beam.smp 101, epmd 102, beam.smp 104), remove the stale pid file /var/run/rabbitmq/pid", c.summary());
    }

    @Test
    void aStalePidFileAloneIsRemoved() {
        assertTrue(plan("pidfile 0").orElseThrow().summary().endsWith("remove the stale pid file /var/run/rabbitmq/pid"));
    }

    @Test
    void aRecoveryFollowsStoppedProcessesOnlyAndMustSucceed() {
        HalfStartedOp recovering = op.recovering(new HalfStartedOp.Recovery("do the thing", "the-thing"));
        Map<String, Probe.Answer> processes = Map.of("half-started:rabbitmq-server", new Probe.Answer(0, "process 101 beam.smp"));
        assertTrue(recovering.plan(processes, Set.of()).orElseThrow().summary().endsWith("stop 1 leftover process(es) of rabbitmq (beam.smp 101), do the thing"));
        String script = recovering.repair(java.util.List.of(101L));
        assertTrue(script.indexOf(" the-thing || exit 1;") > script.indexOf("kill -KILL"), script);
        // A stale pid file alone is no unclean stop of a running service: no recovery.
        Map<String, Probe.Answer> pidFile = Map.of("half-started:rabbitmq-server", new Probe.Answer(0, "pidfile 0"));
        assertEquals("rabbitmq-server is not running but an earlier start left it half-started: remove the stale pid file /var/run/rabbitmq/pid",
                recovering.plan(pidFile, Set.of()).orElseThrow().summary());
        assertTrue(!recovering.repair(java.util.List.of()).contains("the-thing"));
    }
}
