package io.oth.op;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a node starts when it boots, as install and doctor ask it and read the answer. */
class AtBootTest {
    @Test
    void whatStartsAtBootIsSystemdsEnabledStatesOrASysvStartLink() {
        for (String line : new String[] {"systemd enabled", "systemd static", "systemd generated", "systemd alias", "sysv enabled"}) {
            assertTrue(AtBoot.said(line + "\n").starts(), line);
        }
        for (String line : new String[] {"systemd enabled-runtime", "systemd disabled", "systemd masked", "systemd linked", "sysv disabled",
                "systemd unknown", "upstart enabled", "enabled", "", "systemd\nenabled"}) {
            assertFalse(AtBoot.said(line).starts(), line);
        }
        assertTrue(AtBoot.said("systemd masked").masked());
        assertFalse(AtBoot.said("sysv masked").masked(), "only systemd masks");
        assertEquals(new AtBoot.Said(Optional.of(InitSystem.SYSV), "disabled"), AtBoot.said("sysv disabled\nsystemd enabled"), "its first line only");
    }

    @Test
    void aNodesWordsAreBoundedAndShownEscaped() {
        assertEquals("\"\\u001b[2Jenabled\"", AtBoot.said("systemd \u001b[2Jenabled").state());
        assertEquals("unknown", AtBoot.said("systemd ").state());
        assertTrue(AtBoot.said("systemd " + "x".repeat(100_000)).state().length() < 200);
    }

    @Test
    void onlyNamesOfServicesAndRunlevelsAreTaken() {
        assertThrows(IllegalArgumentException.class, () -> AtBoot.service("a;reboot"));
        assertThrows(IllegalArgumentException.class, () -> new AtBoot("nftables.service", "oth-nftables", "9"));
        assertEquals("update-rc.d oth-app defaults", AtBoot.service("oth-app").how(InitSystem.SYSV));
        assertEquals("systemctl enable oth-app", AtBoot.service("oth-app").how(InitSystem.SYSTEMD));
        assertEquals("/etc/init.d/oth-app", AtBoot.service("oth-app").starter(InitSystem.SYSV));
    }

    @Test
    void theTestRunsInAShellAndSaysOneLine() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", AtBoot.service("oth-app").test() + "; echo after").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor());
        assertTrue(out.matches("(systemd|sysv) [a-z-]{1,24}\nafter"), out);
    }
}
