package io.oth.report;

import io.oth.check.DoctorReport;
import io.oth.check.Finding;
import io.oth.check.Verdict;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oth doctor's table, from findings as a run on a lab with one app node down and a few problems would give them. */
class DoctorTextTest {
    private static final String APP2_DOWN = "not tried: reach.node failed (app2)";
    private static final List<Finding> FINDINGS = List.of(
            Finding.ok("dns.fqdn", "operator", "oth.example.test", "resolves to the load balancer 203.0.113.20"),
            Finding.ok("reach.bastion", "operator", "bastion 203.0.113.10", "SSH and host key as recorded"),
            Finding.ok("reach.node", "bastion", "app1", "SSH and host key as recorded"),
            new Finding("reach.node", "bastion", "app2", Verdict.FAIL, "app2: refused SSH from the bastion", "sshd is not listening on the node"),
            Finding.ok("ports.app-storage", "app1", "10.77.0.20:3306", "connected"),
            new Finding("service.database", "app1", "10.77.0.20:3306", Verdict.FAIL, "authentication", "oth install sets the accounts again"),
            new Finding("outbound.sms", "app1", "api.twilio.com:443", Verdict.SKIP, "feature sms is off", ""),
            new Finding("dns.nodes", "app2", "-", Verdict.SKIP, APP2_DOWN, ""),
            new Finding("ports.app-storage", "app2", "-", Verdict.SKIP, APP2_DOWN, ""),
            new Finding("posture.firewall", "app2", "-", Verdict.SKIP, APP2_DOWN, ""),
            new Finding("certs.internal", "storage", "mariadb /etc/oth/tls/mariadb/server-certificate-of-this-site.pem", Verdict.WARN,
                    "valid for 12 more day(s)", "oth certs rotate"),
            new Finding("posture.listen", "storage", "*:9100", Verdict.WAIVED, "listens — waived: the node exporter", "waiver at site.yml:14:5"),
            Finding.ok("posture.firewall", "storage", "inbound", "default drop, as applied"));

    private static String text(List<Finding> findings, boolean all, TextStyle style) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            DoctorText.findings(out, new DoctorReport(findings, Instant.parse("2026-12-03T12:00:00Z"), 1.3), all, style);
        }
        return text.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void whatNeedsAttentionComesFirstThenALinePerAreaThenTheCounts() {
        assertEquals("""
                ✗ reach.node        bastion  app2                                      app2: refused SSH from the bastion
                    hint: sshd is not listening on the node
                ✗ service.database  app1     10.77.0.20:3306                           authentication
                    hint: oth install sets the accounts again
                ! certs.internal    storage  mariadb /etc/oth/tls…te-of-this-site.pem  valid for 12 more day(s)
                    hint: oth certs rotate
                ~ posture.listen    storage  *:9100                                    listens — waived: the node exporter
                    hint: waiver at site.yml:14:5
                - outbound.sms      app1     api.twilio.com:443                        feature sms is off
                - 3 checks          app2     -                                         not tried: reach.node failed (app2)

                ✗ reach     1 failed, 2 ok
                ✓ dns       1 ok, 1 skipped
                ✓ ports     1 ok, 1 skipped
                ✗ service   1 failed
                - outbound  1 skipped
                ! certs     1 warning
                ~ posture   1 waived, 1 ok, 1 skipped
                doctor: 5 ok, 1 warnings, 2 failures, 1 waived, 4 skipped in 1.3 s; --all lists every check
                """, text(FINDINGS, false, TextStyle.PLAIN));
    }

    @Test
    void allListsEveryFindingByWhereItWasSeenFrom() {
        String all = text(FINDINGS, true, TextStyle.PLAIN);
        assertTrue(all.startsWith("""
                from operator:
                  ✓ dns.fqdn           oth.example.test                          resolves to the load balancer 203.0.113.20
                  ✓ reach.bastion      bastion 203.0.113.10                      SSH and host key as recorded
                from bastion:
                  ✓ reach.node         app1                                      SSH and host key as recorded
                  ✗ reach.node         app2                                      app2: refused SSH from the bastion
                      hint: sshd is not listening on the node
                from app1:
                """), all);
        for (String id : List.of("dns.nodes", "ports.app-storage", "posture.firewall")) {
            assertTrue(all.lines().anyMatch(l -> l.matches("  - " + id.replace(".", "\\.") + "\\s+-\\s+" + "not tried: reach\\.node failed \\(app2\\)")),
                    () -> "each check the unreached node kept from running, with the reason\n" + all);
        }
        assertTrue(all.endsWith("""
                ~ posture   1 waived, 1 ok, 1 skipped
                doctor: 5 ok, 1 warnings, 2 failures, 1 waived, 4 skipped in 1.3 s
                """), all);
    }

    @Test
    void aHealthySiteIsALinePerArea() {
        List<Finding> healthy = FINDINGS.stream().filter(f -> f.verdict() == Verdict.OK).toList();
        assertEquals("""
                ✓ reach    2 ok
                ✓ dns      1 ok
                ✓ ports    1 ok
                ✓ posture  1 ok
                doctor: 5 ok, 0 warnings, 0 failures, 0 waived, 0 skipped in 1.3 s; --all lists every check
                """, text(healthy, false, TextStyle.PLAIN));
    }

    @Test
    void withoutUtf8TheVerdictsAreWordsAndTheTextIsAscii() {
        String ascii = text(FINDINGS, false, new TextStyle(false, false));
        assertTrue(ascii.startsWith("FAIL   reach.node        bastion  app2  "), ascii);
        assertTrue(ascii.contains("\nWARN   certs.internal    storage  mariadb /etc/oth/tl...e-of-this-site.pem  valid for 12 more day(s)\n"), ascii);
        assertTrue(ascii.contains("\nwaived posture.listen    storage  *:9100  "), ascii);
        assertTrue(ascii.contains("listens - waived: the node exporter"), ascii);
        assertTrue(ascii.contains("\nskip   3 checks          app2  "), ascii);
        assertTrue(ascii.contains("\nok     dns       1 ok, 1 skipped\n"), ascii);
        assertTrue(ascii.chars().allMatch(c -> c < 128), ascii);
    }

    @Test
    void colourOnlyWhenAskedAndOnlyOnTheMarks() {
        assertFalse(text(FINDINGS, true, TextStyle.PLAIN).contains("\u001b"));
        String coloured = text(FINDINGS, false, new TextStyle(true, true));
        assertTrue(coloured.startsWith("\u001b[1;31m✗\u001b[0m reach.node        bastion"), coloured);
        assertTrue(coloured.contains("\n\u001b[32m✓\u001b[0m dns       1 ok, 1 skipped\n"), coloured);
        assertEquals(text(FINDINGS, false, TextStyle.PLAIN), coloured.replaceAll("\u001b\\[[0-9;]*m", ""), "colour takes no room");
    }
}
