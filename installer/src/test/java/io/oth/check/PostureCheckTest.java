package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** posture.*: the firewall, the listening sockets, the release and support access, from their probes' output. */
class PostureCheckTest {
    private final Site site = Sites.lab();
    private final PostureCheck check = new PostureCheck(site, Playbooks.load(), Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC));

    private Map<String, Finding> seen(String node, Map<String, String> outputs) {
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, node)).forEach(p -> answers.put(p.key(), new Probe.Answer(0, outputs.getOrDefault(p.key(), ""))));
        Map<String, Finding> byId = new HashMap<>();
        check.findings(Sites.node(site, node), answers).forEach(f -> byId.put(f.id(), f));
        return byId;
    }

    @Test
    void aHealthyAppNodeHasTheRulesetOnlyTableSocketsARelease() {
        Map<String, Finding> f = seen("app1", Map.of("posture:app1", "1\n0.0.0.0:22\n10.77.0.101:80\n127.0.0.1:8080",
                "release:app1", "/opt/oth-app/releases/1.1.0"));
        assertEquals(List.of(Verdict.OK), f.values().stream().map(Finding::verdict).distinct().toList(), f.toString());
        assertEquals("release 1.1.0", f.get("posture.release").target());
        assertEquals("closed", f.get("posture.support").cause());
    }

    @Test
    void noRulesetAnExtraListenerAndNoReleaseAreEachNamed() {
        Map<String, Finding> f = seen("app2", Map.of("posture:app2", "0\n0.0.0.0:22\n0.0.0.0:7777\nnot a socket", "release:app2", ""));
        assertEquals(Verdict.FAIL, f.get("posture.firewall").verdict());
        assertEquals("no oth firewall with a default-drop input chain is active", f.get("posture.firewall").cause());
        assertEquals(Verdict.WARN, f.get("posture.listen").verdict());
        assertEquals("also listens on 0.0.0.0:7777 (not in the network table; the firewall drops it)", f.get("posture.listen").cause());
        assertEquals(Verdict.FAIL, f.get("posture.release").verdict());
        assertEquals("no application release installed (/opt/oth-app/current -> nothing)", f.get("posture.release").cause());
    }

    @Test
    void onlyAppNodesHaveARelease() {
        assertEquals(null, seen("storage", Map.of("posture:storage", "1\n10.77.0.20:3306")).get("posture.release"));
    }
}
