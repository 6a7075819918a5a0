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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oth killed at every phase boundary (with the test-only OTH_TEST_DIE_AT, which halts the JVM
 * as SIGKILL would), mid-phase, and by a real kill -9 of the launcher: each next run says it resumes an interrupted run, takes the dead run's locks over and
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
        lab.bareNodes();
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
    void killedInTheMiddleOfAPhaseAndThenWithARealSigkill(Lab lab) throws Exception {
        Launched run = install(lab, "mid:database");
        assertEquals(137, run.exit(RUN), run::output);
        assertTrue(run.output().contains("resuming after an interrupted run ("), run::output);
        // The database phase's first change, its certificate, is on the node. (Its title may not be on the
        // output: the firewall runs beside it, and a node's later-started phase prints once the earlier has ended.)
        assertEquals(0, lab.tryExec("storage", "test", "-s", "/etc/mysql/oth-tls/server-chain.pem").exitCode(), run::output);

        Launched killed = install(lab, "");
        assertTrue(killed.awaitLine(l -> l.startsWith("[storage] == Storage node: RabbitMQ with TLS"), RUN).isPresent(), killed::output);
        assertTrue(killed.awaitLine(l -> l.startsWith("[storage] ") && !l.contains(" == "), RUN).isPresent(), killed::output);
        killed.kill9();
        assertTrue(killed.output().contains("resuming after an interrupted run ("), killed::output);
    }

    /**
     * One kill after every phase boundary in turn, each run resuming the one before: the first
     * install, cut at each of its boundaries. A node's "after" is the moment the journal records its
     * phase; the other nodes are anywhere then, so most of these kills also land mid-phase elsewhere.
     */
    @Test
    @Order(3)
    void killedAfterEveryPhaseEachNextRunResumes(Lab lab) throws Exception {
        List<String> phases = InstallPlaybook.load().phases().stream().map(InstallPlaybook.PhaseSpec::name).toList();
        assertTrue(phases.size() >= 10, phases::toString);
        for (String phase : phases) {
            Launched run = install(lab, "phase:" + phase + ":after");
            assertEquals(137, run.exit(RUN), () -> "killed after " + phase + "\n" + run.output());
            String out = run.output();
            assertTrue(out.contains("resuming after an interrupted run ("), () -> phase + "\n" + out);
            assertTrue(out.matches("(?s).*oth: site lab: taking over the lock of `oth install` \\(pid \\d+ .*"), () -> phase + "\n" + out);
            assertFalse(out.contains("FAILED"), () -> phase + "\n" + out);
        }
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
        for (String node : lab.nodes()) {
            String left = lab.exec(node, "find", "/etc", "/opt", "/usr/local", "/var", "/tmp", "/run", "/root", "-xdev", "(", "-name", "*.oth-tmp.*",
                    "-o", "-name", "*.oth-pending*", "-o", "-name", "*.oth-unpack.*", "-o", "-name", "*.oth-new", ")", "-print");
            assertEquals("", left.strip(), () -> node + ": files of the killed runs left behind\n" + out);
        }
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
