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

    /** The plan's summary for the service running or not and what the node said of it at boot. */
    private static String plan(ServiceOp op, boolean running, String atBoot) {
        return op.plan(Map.of(op.key(), new Probe.Answer(running ? 0 : 3, ""), "service-boot:" + op.name(), new Probe.Answer(0, atBoot + "\n")), Set.of())
                .map(Change::summary).orElse("nothing");
    }

    @Test
    void whereInitScriptsRunAServiceWithoutAStartLinkIsLinkedAndOneWithItIsLeft() throws Exception {
        ServiceOp op = new ServiceOp("traefik", InitSystem.SYSV, true);
        assertEquals(List.of("service:traefik", "service-boot:traefik"), op.probes().stream().map(Probe::key).toList());
        assertEquals("nothing", plan(op, true, "sysv enabled"));
        assertEquals("start traefik at boot (update-rc.d traefik defaults; it was disabled)", plan(op, true, "sysv disabled"));
        assertEquals("start traefik; start traefik at boot (update-rc.d traefik defaults; it was disabled)", plan(op, false, "sysv disabled"));
        RecordingHost host = new RecordingHost("app1");
        op.plan(Map.of(op.key(), new Probe.Answer(0, ""), "service-boot:traefik", new Probe.Answer(0, "sysv disabled")), Set.of()).orElseThrow().apply(TestApply.on(host));
        assertEquals(List.of("run " + InitSystem.sysvLink("traefik", "2")), host.commands());
    }

    @Test
    void underSystemdAServiceDisabledByHandIsEnabledAgainAndAMaskedOneRefused() throws Exception {
        ServiceOp op = new ServiceOp("mariadb", InitSystem.SYSTEMD, true);
        assertEquals(List.of("service:mariadb", "service-boot:mariadb"), op.probes().stream().map(Probe::key).toList());
        assertEquals("nothing", plan(op, true, "systemd enabled"));
        assertEquals("start mariadb at boot (systemctl enable mariadb; it was disabled)", plan(op, true, "systemd disabled"));
        assertEquals("start mariadb", plan(op, false, "systemd disabled"), "systemd's start enables it");
        assertEquals("start mariadb at boot (systemctl enable mariadb; it was enabled-runtime)", plan(op, true, "systemd enabled-runtime"),
                "gone at the next boot");
        RecordingHost host = new RecordingHost("storage");
        op.plan(Map.of(op.key(), new Probe.Answer(0, ""), "service-boot:mariadb", new Probe.Answer(0, "systemd disabled")), Set.of()).orElseThrow().apply(TestApply.on(host));
        assertEquals(List.of("run systemctl enable mariadb"), host.commands());
        for (boolean running : new boolean[] {true, false}) {
            Change masked = op.plan(Map.of(op.key(), new Probe.Answer(running ? 0 : 3, ""), "service-boot:mariadb", new Probe.Answer(0, "systemd masked")), Set.of())
                    .orElseThrow();
            RecordingHost untouched = new RecordingHost("storage");
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(io.oth.remote.RemoteException.class, () -> masked.apply(TestApply.on(untouched)));
            assertEquals(true, e.getMessage().contains("mariadb is masked, so the node would not start it when it boots: systemctl unmask mariadb"), e.getMessage());
            assertEquals(List.of(), untouched.commands(), "nothing run");
        }
    }

    @Test
    void theLinkTestIsAShellTestThatSaysNoForAScriptWithNoLink() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", InitSystem.sysvLinked("oth-no-such-script", "2") + " && echo linked || echo unlinked")
                .redirectErrorStream(true).start();
        assertEquals("unlinked", new String(p.getInputStream().readAllBytes()).strip());
    }
}
