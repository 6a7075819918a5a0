package io.oth.check;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What oth doctor shows and exits with: the counts, the worst verdict, and --node's view. */
class DoctorReportTest {
    private static final Instant STARTED = Instant.parse("2026-12-03T12:00:00Z");
    private static final Finding REACHED_APP1 = Finding.ok("reach.node", "bastion", "app1", "SSH and host key as recorded");
    private static final Finding REACHED_APP2 = Finding.ok("reach.node", "bastion", "app2", "SSH and host key as recorded");
    private static final Finding APP1_WARNS = new Finding("posture.listen", "app1", "sockets", Verdict.WARN, "also listens", "");
    private static final Finding APP2_FAILS = new Finding("dns.fqdn", "app2", "oth.example.test", Verdict.FAIL, "does not resolve", "add a record");
    private static final Finding WAIVED = new Finding("outbound.sms", "app1", "sms", Verdict.WAIVED, "blocked — waived: later", "");

    private static DoctorReport report(Finding... findings) {
        return new DoctorReport(List.of(findings), STARTED, 1.5);
    }

    @Test
    void theCountsAndTheWorstVerdictComeFromTheFindings() {
        DoctorReport report = report(REACHED_APP1, REACHED_APP2, APP1_WARNS, APP2_FAILS);
        assertEquals(Map.of(Verdict.OK, 2, Verdict.WARN, 1, Verdict.FAIL, 1), report.counts());
        assertEquals(Verdict.FAIL, report.worst());
        assertEquals(Verdict.WARN, report(REACHED_APP1, APP1_WARNS, WAIVED).worst());
        assertEquals(Verdict.WAIVED, report(REACHED_APP1, WAIVED).worst(), "a waiver is not a warning");
        assertEquals(Verdict.OK, report().worst());
    }

    @Test
    void oneNodesViewBehindAnUnreachedBastionNamesTheBastion() {
        Finding bastion = new Finding("reach.bastion", "operator", "bastion 203.0.113.10", Verdict.FAIL, "refused", "is sshd running?");
        Finding node = new Finding("reach.node", "bastion", "app1", Verdict.SKIP, "not tried: reach.bastion failed (bastion 203.0.113.10)", "");
        Finding check = new Finding("dns.fqdn", "app1", "-", Verdict.SKIP, "not tried: reach.bastion failed (bastion 203.0.113.10)", "");
        Finding operator = Finding.ok("dns.fqdn", "operator", "oth.example.test", "resolves");
        DoctorReport app1 = report(operator, bastion, node, check).seenFrom("app1");
        assertEquals(List.of(bastion, node, check), app1.findings());
        assertEquals(Verdict.FAIL, app1.worst(), "a node that could not be looked at is not a node that is well");
    }

    @Test
    void oneNodesViewIsWhatItSeesAndWhetherItWasReached() {
        DoctorReport app1 = report(REACHED_APP1, REACHED_APP2, APP1_WARNS, APP2_FAILS, WAIVED).seenFrom("app1");
        assertEquals(List.of(REACHED_APP1, APP1_WARNS, WAIVED), app1.findings());
        assertEquals(STARTED, app1.started());
        assertEquals(Verdict.WARN, app1.worst());
    }
}
