package io.oth.install;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oth killed at phase boundaries (the first, a middle one, the last; with the test-only
 * OTH_TEST_DIE_AT, which halts the JVM as SIGKILL would) and once mid-phase (a real kill -9 of the
 * launcher): each next run says it resumes an interrupted run, takes the dead run's locks over and
 * goes on; the last one completes doing only what was left, and the run after it changes nothing.
 * One first install on bare nodes, cut into pieces.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashResumeIT {
    private static final Duration RUN = Duration.ofMinutes(5);
    /** A short revert, so that a firewall applied by a killed run and never confirmed is back to the old one before the runs that check it. */
    private static final String REVERT = "15";

    @BeforeAll
    static void bareNodes(Lab lab) {
        Lab.Result up = lab.lab("up", "--replace", String.valueOf(lab.apps()));
        assertEquals(0, up.exitCode(), up.output());
    }

    private static Launched install(Lab lab, String dieAt) {
        return Launched.oth(dieAt.isEmpty() ? Map.of() : Map.of("OTH_TEST_DIE_AT", dieAt), "install", "--site", lab.site().toString(),
                "--firewall-revert", REVERT);
    }

    @Test
    @Order(1)
    void killedBeforeTheFirstPhaseItChangedNothing(Lab lab) throws Exception {
        Launched run = install(lab, "phase:packages:before");
        assertEquals(137, run.exit(RUN), run::output);
        assertFalse(run.output().matches("(?s).*\\[\\w+\\] == .*"), () -> "no phase ran\n" + run.output());
        assertEquals(1, lab.tryExec("lb", "test", "-e", "/etc/haproxy/certs").exitCode(), "nothing was uploaded");
    }

    @Test
    @Order(2)
    void killedAfterAMiddlePhaseTheNextRunResumedFromTheStart(Lab lab) throws Exception {
        Launched run = install(lab, "phase:broker:after");
        assertEquals(137, run.exit(RUN), run::output);
        String out = run.output();
        assertTrue(out.contains("resuming after an interrupted run ("), out);
        assertTrue(out.contains(", 0 host phase(s) had finished)"), out);
        assertTrue(out.matches("(?s).*oth: site lab: taking over the lock of `oth install` \\(pid \\d+ .*"), out);
        assertTrue(out.contains("[storage] == Storage node: RabbitMQ with TLS from the site CA"), out);
        assertFalse(out.contains("[storage] == Storage node: MinIO object storage"), () -> "it died after the broker phase\n" + out);
    }

    @Test
    @Order(3)
    void killedWithSigkillInTheMiddleOfAPhase(Lab lab) throws Exception {
        Launched run = install(lab, "");
        assertTrue(run.awaitLine(l -> l.startsWith("[storage] == Storage node: MinIO object storage"), RUN).isPresent(), run::output);
        assertTrue(run.awaitLine(l -> l.startsWith("[storage] ") && !l.contains(" == "), RUN).isPresent(), run::output);
        run.kill9();
        String out = run.output();
        assertTrue(out.contains("resuming after an interrupted run ("), out);
        assertFalse(out.contains("[storage] == Storage node: RabbitMQ with TLS"), () -> "the broker was done before\n" + out);
    }

    @Test
    @Order(4)
    void killedAfterTheLastPhase(Lab lab) throws Exception {
        Launched run = install(lab, "phase:firewall:after");
        assertEquals(137, run.exit(RUN), run::output);
        assertTrue(run.output().contains("resuming after an interrupted run ("), run::output);
    }

    @Test
    @Order(5)
    void theNextRunCompletesDoingOnlyWhatWasLeft(Lab lab) throws Exception {
        Launched run = install(lab, "");
        assertEquals(0, run.exit(RUN), run::output);
        String out = run.output();
        assertTrue(out.contains("resuming after an interrupted run ("), out);
        assertTrue(out.contains("0 host(s) failed"), out);
        for (String done : new String[] {"Debian packages", "Storage node: MariaDB with TLS from the site CA", "Storage node: MariaDB accounts",
            "Storage node: RabbitMQ with TLS from the site CA"}) {
            assertFalse(out.contains("[storage] == " + done), () -> done + " had finished on the storage node in an earlier run\n" + out);
        }
        assertTrue(lab.exec("inet", "curl", "-sSk", "https://oth.example.test/healthz").contains("\"status\":\"ok\""));
    }

    @Test
    @Order(6)
    void andTheRunAfterItChangesNothing(Lab lab) throws Exception {
        Launched run = install(lab, "");
        assertEquals(0, run.exit(RUN), run::output);
        assertTrue(run.output().contains("install: 0 change(s) made, 0 host(s) failed"), run::output);
        assertFalse(run.output().contains("resuming after an interrupted run"), run::output);
        assertFalse(run.output().contains("taking over"), run::output);
    }
}
