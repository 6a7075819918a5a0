package io.oth.op;

import io.oth.remote.Command;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


class ProbeTest {

    private static final List<Probe> PROBES = List.of(
            new Probe("a", "echo one; echo two"),
            new Probe("b", "echo oops >&2; exit 3"),
            new Probe("c", "printf 'no newline'"),
            new Probe("d", "true"),
            new Probe("e", "cat; echo \"stdin was empty\""));

    @Test
    void probesRunAsOneScriptAndComeBackApartWithTheirExitCodes() throws Exception {
        assertAnswers(run(Probe.script(PROBES)));
    }

    @Test
    void probesRunSideBySideComeBackApartTheSameWay() throws Exception {
        assertAnswers(run(Probe.concurrentScript(PROBES)));
    }

    private static void assertAnswers(Map<String, Probe.Answer> answers) {
        assertEquals(new Probe.Answer(0, "one\ntwo"), answers.get("a"));
        assertEquals(new Probe.Answer(3, "oops"), answers.get("b"));
        assertEquals(new Probe.Answer(0, "no newline"), answers.get("c"));
        assertEquals(new Probe.Answer(0, ""), answers.get("d"));
        assertEquals(new Probe.Answer(0, "stdin was empty"), answers.get("e"));
        assertEquals(PROBES.size(), answers.size());
    }

    @Test
    void slowProbesSideBySideComeBackTheSame() throws Exception {
        List<Probe> probes = List.of(new Probe("slow", "sleep 1; echo a"), new Probe("also", "sleep 1; echo b >&2; exit 4"));
        Map<String, Probe.Answer> answers = run(Probe.concurrentScript(probes));
        assertEquals(new Probe.Answer(0, "a"), answers.get("slow"));
        assertEquals(new Probe.Answer(4, "b"), answers.get("also"));
    }

    @Test
    void probesThatReadTheNodeRunInLineAndThoseThatMayWaitBesideThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String mark = Command.quote(dir.resolve("mark").toString());
        List<Probe> probes = List.of(
                Probe.waiting("network", "sleep 1; [ -e " + mark + " ] && echo after || echo before"),
                new Probe("first", "sleep 0.2; echo one > " + mark),
                new Probe("second", "cat " + mark),
                Probe.waiting("lookup", "exit 2").scoped("dns"));
        Map<String, Probe.Answer> answers = run(Probe.concurrentScript(probes));
        assertEquals(new Probe.Answer(0, "one"), answers.get("second"), "the second local probe ran after the first");
        assertEquals(new Probe.Answer(0, "after"), answers.get("network"), "the waiting probe ran beside the local ones");
        assertEquals(new Probe.Answer(2, ""), answers.get("dns|lookup"));
        assertTrue(probes.get(3).waits(), "a scoped probe still waits");
        assertEquals(4, answers.size());
    }

    /** Runs a probe script in a real shell, as a node would, and splits its answers. */
    private static Map<String, Probe.Answer> run(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        return Probe.parse(out);
    }
}
