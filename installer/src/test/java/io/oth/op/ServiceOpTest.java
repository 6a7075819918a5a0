package io.oth.op;

import io.oth.remote.RecordingHost;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A service is started the init system's way, or by the start script given for Debian's init scripts; restarts stay the init system's. */
class ServiceOpTest {
    private static final String START = "start-it-without-the-status-vm";

    /** What applying the op's plan ran on a node, the service running or not and a restart asked for or not. */
    private static List<String> applied(ServiceOp op, boolean running, Set<String> notified) throws Exception {
        RecordingHost host = new RecordingHost("storage");
        Change change = op.plan(Map.of(op.key(), new Probe.Answer(running ? 0 : 3, "")), notified).orElseThrow();
        change.apply(TestApply.on(host));
        return host.commands();
    }

    @Test
    void whereInitScriptsRunItTheGivenScriptStartsTheService() throws Exception {
        ServiceOp op = new ServiceOp("rabbitmq-server", InitSystem.SYSV, true).runningWhen("true").startingWith(START);
        assertEquals(List.of("run " + START), applied(op, false, Set.of()));
        assertEquals("start rabbitmq-server", op.plan(Map.of(op.key(), new Probe.Answer(3, "")), Set.of()).orElseThrow().summary());
        assertEquals(List.of("run " + InitSystem.SYSV.restart("rabbitmq-server")), applied(op, true, Set.of("rabbitmq-server")),
                "a restart stays the init script's");
        assertEquals("true", op.running(), "the running test given before stays");
    }

    @Test
    void systemdStartsItsOwnWay() throws Exception {
        ServiceOp op = new ServiceOp("rabbitmq-server", InitSystem.SYSTEMD, true).startingWith(START);
        assertEquals(List.of("run " + InitSystem.SYSTEMD.start("rabbitmq-server")), applied(op, false, Set.of()));
    }
}
