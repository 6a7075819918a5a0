package io.oth.remote;

import io.oth.secret.Secret;

import io.oth.op.FileOp;
import io.oth.op.Probe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test double itself: what it answers is what the real probes' parser reads, and what it records is what was asked. */
class RecordingHostTest {
    private static final Duration T = Duration.ofSeconds(1);

    @Test
    void answersEachProbeOfAScriptAsTheParserReadsIt() throws Exception {
        RecordingHost host = new RecordingHost("app1").answer("a", "one\ntwo").answer("b", new Probe.Answer(3, "no"));
        String script = Probe.script(List.of(new Probe("a", "true"), new Probe("b", "false"), new Probe("c", "x")));
        Map<String, Probe.Answer> answers = Probe.parse(host.run(Command.shell(script), T).stdout());
        assertEquals(new Probe.Answer(0, "one\ntwo"), answers.get("a"));
        assertEquals(new Probe.Answer(3, "no"), answers.get("b"));
        assertEquals(new Probe.Answer(0, ""), answers.get("c"));
    }

    @Test
    void aFileItWasGivenIsWhatTheFileProbeFindsNextTime() throws Exception {
        RecordingHost host = new RecordingHost("app1");
        FileOp file = FileOp.text("/etc/x.conf", "x = 1\n", "root:root", "0644");
        assertTrue(plan(host, file).isPresent(), "absent at first");
        plan(host, file).orElseThrow().apply(context(host));
        assertEquals(List.of("upload /etc/x.conf root:root 0644"), host.uploads());
        assertFalse(plan(host, file).isPresent(), "a second plan finds it as wanted");
    }

    @Test
    void failsACommandOrTheConnectionOnCue() throws Exception {
        RecordingHost host = new RecordingHost("app1").failWhen("systemctl", "unit not found").when("cat", new CommandResult(0, "hi", ""));
        assertEquals("hi", host.run(Command.of("cat", "f"), T).stdout());
        CommandResult failed = host.run(Command.of("systemctl", "start", "x"), T);
        assertEquals(1, failed.exitCode());
        assertEquals("unit not found", failed.stderr());
        host.dropAfter(1);
        host.run(Command.of("true"), T);
        RemoteException lost = assertThrows(RemoteException.class, () -> host.run(Command.of("true"), T));
        assertEquals(Failure.CONNECTION_LOST, lost.failure());
        assertEquals(List.of("run cat f", "run systemctl start x", "run true"), host.commands());
    }

    @Test
    void recordsShellScriptsAsTheirTextAndSecretsMasked() throws Exception {
        RecordingHost host = new RecordingHost("app1");
        host.run(Command.shell("echo 'quoted'"), T);
        host.run(Command.of("login", Secret.of("hunter2")), Secret.of("stdin-secret"), T);
        assertEquals(List.of("run echo 'quoted'", "stdin login ***"), host.commands());
    }

    private static Optional<io.oth.op.Change> plan(RecordingHost host, FileOp op) throws RemoteException {
        return op.plan(Probe.parse(host.run(Command.shell(Probe.script(op.probes())), T).stdout()), Set.of());
    }

    private static io.oth.op.ApplyContext context(Host host) {
        return io.oth.op.TestApply.on(host);
    }
}
