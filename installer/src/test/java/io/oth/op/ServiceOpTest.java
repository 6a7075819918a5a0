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

    @Test
    void whereInitScriptsRunAServiceWithoutAStartLinkIsLinkedAndOneWithItIsLeft() {
        ServiceOp op = new ServiceOp("traefik", InitSystem.SYSV, true);
        assertEquals(java.util.List.of("service:traefik", "boot-link:traefik"), op.probes().stream().map(Probe::key).toList());
        java.util.Map<String, Probe.Answer> linked = java.util.Map.of(op.key(), new Probe.Answer(0, ""), "boot-link:traefik", new Probe.Answer(0, ""));
        assertEquals(java.util.Optional.empty(), op.plan(linked, Set.of()));
        java.util.Map<String, Probe.Answer> unlinked = java.util.Map.of(op.key(), new Probe.Answer(0, ""), "boot-link:traefik", new Probe.Answer(1, ""));
        assertEquals("start traefik at boot (update-rc.d traefik defaults)", op.plan(unlinked, Set.of()).orElseThrow().summary());
        java.util.Map<String, Probe.Answer> stopped = java.util.Map.of(op.key(), new Probe.Answer(3, ""), "boot-link:traefik", new Probe.Answer(1, ""));
        assertEquals("start traefik; start traefik at boot (update-rc.d traefik defaults)", op.plan(stopped, Set.of()).orElseThrow().summary());
        assertEquals(java.util.List.of("service:traefik"), new ServiceOp("traefik", InitSystem.SYSTEMD, true).probes().stream().map(Probe::key).toList(),
                "systemd's start enables it");
    }

    @Test
    void theLinkTestIsAShellTestThatSaysNoForAScriptWithNoLink() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", InitSystem.sysvLinked("oth-no-such-script", "2") + " && echo linked || echo unlinked")
                .redirectErrorStream(true).start();
        assertEquals("unlinked", new String(p.getInputStream().readAllBytes()).strip());
    }
}
