package io.oth.check;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DoctorTest {

    @Test
    void getentsLinesGiveEachAddressOnceSorted() {
        String printed = """
                10.77.0.102     STREAM app2
                10.77.0.102     DGRAM\s
                10.77.0.102     RAW\s
                10.77.0.11      STREAM
                """;
        assertEquals(List.of("10.77.0.102", "10.77.0.11"), DnsCheck.getentAddresses(printed));
        assertEquals(List.of(), DnsCheck.getentAddresses(""));
    }

    @Test
    void appNodesOnDifferentReleasesAreEachAWarningNamingAll() {
        Finding app1 = Finding.ok("posture.release", "app1", "release 1.1.0", "/opt/oth-app/releases/1.1.0");
        Finding app2 = Finding.ok("posture.release", "app2", "release 1.0.0", "/opt/oth-app/releases/1.0.0");
        Finding other = Finding.ok("posture.firewall", "app1", "inbound", "default drop");
        List<Finding> checked = PostureCheck.oneRelease(List.of(app1, other, app2));
        assertEquals(List.of(Verdict.WARN, Verdict.OK, Verdict.WARN), checked.stream().map(Finding::verdict).toList());
        assertEquals("the app nodes run different releases (app1 1.1.0, app2 1.0.0)", checked.get(0).cause());
        assertEquals("an upgrade did not finish: oth upgrade (forward) or oth upgrade --rollback", checked.get(2).hint());

        Finding same = Finding.ok("posture.release", "app2", "release 1.1.0", "/opt/oth-app/releases/1.1.0");
        assertEquals(List.of(app1, same), PostureCheck.oneRelease(List.of(app1, same)));
    }
}
