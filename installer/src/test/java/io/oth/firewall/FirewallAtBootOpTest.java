package io.oth.firewall;

import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.op.TestApply;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node loads oth's ruleset at boot: nftables.service enabled under systemd, oth's init script in rcS elsewhere. */
class FirewallAtBootOpTest {
    private static Optional<Change> plan(InitSystem init, String said) {
        return new FirewallAtBootOp(init).plan(Map.of(FirewallAtBootOp.KEY, new Probe.Answer(0, said + "\n")), Set.of());
    }

    @Test
    void anEnabledBootLoadIsNoChange() {
        assertEquals(Optional.empty(), plan(InitSystem.SYSTEMD, "systemd enabled"));
        assertEquals(Optional.empty(), plan(InitSystem.SYSV, "sysv enabled"));
    }

    @Test
    void debiansDisabledNftablesServiceIsEnabled() throws Exception {
        Change change = plan(InitSystem.SYSTEMD, "systemd disabled").orElseThrow();
        assertEquals("load the firewall at boot (systemctl enable nftables.service; it was disabled)", change.summary());
        RecordingHost host = new RecordingHost("app1");
        change.apply(TestApply.on(host));
        assertEquals(List.of("run systemctl enable nftables.service"), host.commands());
    }

    @Test
    void withoutSystemdOthsInitScriptGetsItsStartLinkAndOneThatIsNotMadeIsSaid() throws Exception {
        Change change = plan(InitSystem.SYSV, "sysv disabled").orElseThrow();
        assertEquals("load the firewall at boot (update-rc.d oth-nftables defaults; it was disabled)", change.summary());
        RecordingHost host = new RecordingHost("app1");
        change.apply(TestApply.on(host));
        assertEquals(List.of("run " + InitSystem.sysvLink("oth-nftables", "S")), host.commands());
        assertTrue(host.commands().get(0).startsWith("run update-rc.d oth-nftables defaults >/dev/null && { { _oth_s=1; for _oth_f in /etc/rcS.d/S[0-9][0-9]oth-nftables;"
                + " do [ -e \"$_oth_f\" ] && _oth_s=0; done; [ $_oth_s = 0 ]; } || update-rc.d oth-nftables enable >/dev/null; }"), host.commands().toString());
        RecordingHost refusing = new RecordingHost("app1").failWhen("update-rc.d", "update-rc.d made no start link in /etc/rcS.d");
        RemoteException e = assertThrows(RemoteException.class, () -> change.apply(TestApply.on(refusing)));
        assertTrue(e.getMessage().contains("loading the firewall at boot: "), e.getMessage());
    }

    @Test
    void aMaskedServiceIsNotUnmaskedBehindTheOperatorsBack() {
        Change change = plan(InitSystem.SYSTEMD, "systemd masked").orElseThrow();
        RecordingHost host = new RecordingHost("app1");
        RemoteException e = assertThrows(RemoteException.class, () -> change.apply(TestApply.on(host)));
        assertTrue(e.getMessage().contains("nftables.service is masked, so the node would boot without oth's firewall: systemctl unmask"), e.getMessage());
        assertEquals(List.of(), host.commands(), "nothing run");
    }

    @Test
    void whatANodeSaysIsShownAsItsWordOrEscaped() {
        assertEquals(Optional.empty(), plan(InitSystem.SYSTEMD, "systemd enabled"));
        assertTrue(plan(InitSystem.SYSTEMD, "systemd enabled-runtime").isPresent(), "gone at the next boot");
        assertTrue(plan(InitSystem.SYSTEMD, "systemd\nenabled").isPresent());
        assertTrue(new FirewallAtBootOp(InitSystem.SYSV).plan(Map.of(), Set.of()).isPresent(), "no answer: set it");
        assertTrue(plan(InitSystem.SYSTEMD, "systemd \u001b[2J").orElseThrow().summary().contains("it was \"\\u001b[2J\""));
    }

    @Test
    void theInitScriptIsAShellScriptThatNeverStopsTheFirewall() throws Exception {
        Path script = Path.of("../templates/nftables/oth-nftables.init.peb");
        String text = Files.readString(script);
        assertTrue(text.contains("# Default-Start:     S\n"), text);
        assertTrue(text.contains("start|restart|reload|force-reload) exec /usr/sbin/nft -f /etc/nftables.conf ;;"), text);
        Process syntax = new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, syntax.waitFor(), new String(syntax.getInputStream().readAllBytes()));
        Process stop = new ProcessBuilder("sh", script.toString(), "stop").redirectErrorStream(true).start();
        assertEquals(0, stop.waitFor());
    }
}
