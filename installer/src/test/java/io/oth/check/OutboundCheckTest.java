package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Feature;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** outbound.*: each endpoint of playbooks/outbound.yml from the app nodes, as the site's features ask. */
class OutboundCheckTest {
    private final Playbooks playbooks = Playbooks.load();

    private List<Finding> seen(Site site, Map<String, Probe.Answer> given) {
        OutboundCheck check = new OutboundCheck(site, playbooks, 3);
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, "app1")).forEach(p -> answers.put(p.key(), given.getOrDefault(p.key(), new Probe.Answer(0, ""))));
        return check.findings(Sites.node(site, "app1"), answers);
    }

    private Feature feature(boolean mandatory) {
        return playbooks.features().values().stream().filter(f -> f.mandatory() == mandatory).findFirst().orElseThrow();
    }

    private static String key(Feature feature) {
        Feature.Endpoint e = feature.endpoints().get(0);
        return "out:" + new Connect(e.host(), e.ports().get(0));
    }

    @Test
    void everyEndpointOfAFeatureThatIsOnConnects() {
        List<Finding> findings = seen(Sites.lab(), Map.of());
        assertTrue(!findings.isEmpty() && findings.stream().allMatch(f -> f.verdict() == Verdict.OK && f.id().startsWith("outbound.")), findings.toString());
        assertEquals(List.of(), new OutboundCheck(Sites.lab(), playbooks, 3).probes(Sites.node(Sites.lab(), "storage")));
    }

    @Test
    void aMandatoryEndpointThatIsDroppedFailsAnOptionalOneWarns() {
        Feature mandatory = feature(true);
        Map<String, Probe.Answer> answers = Map.of(key(mandatory), new Probe.Answer(124, ""));
        Finding dropped = seen(Sites.lab(), answers).stream().filter(f -> f.id().equals("outbound." + mandatory.name())).findFirst().orElseThrow();
        assertEquals(Verdict.FAIL, dropped.verdict());
        assertEquals("no answer (filtered or down)", dropped.cause());

        Feature optional = feature(false);
        Site withOptional = Sites.lab(Sites.ALL_LOCAL, Set.of(optional.name(), mandatory.name()));
        Finding warned = seen(withOptional, Map.of(key(optional), new Probe.Answer(1, "bash: connect: Connection refused"))).stream()
                .filter(f -> f.id().equals("outbound." + optional.name())).findFirst().orElseThrow();
        assertEquals(Verdict.WARN, warned.verdict());
        assertEquals("connection refused", warned.cause());
    }

    @Test
    void aFeatureThatIsOffIsSkippedAndNotProbed() {
        Feature optional = feature(false);
        Site without = Sites.lab(Sites.ALL_LOCAL, Set.of());
        List<Finding> findings = seen(without, Map.of());
        Finding off = findings.stream().filter(f -> f.id().equals("outbound." + optional.name())).findFirst().orElseThrow();
        assertEquals(Verdict.SKIP, off.verdict());
        assertEquals("feature " + optional.name() + " is off", off.cause());
        assertTrue(new OutboundCheck(without, playbooks, 3).probes(Sites.node(without, "app1")).stream().noneMatch(p -> p.key().equals(key(optional))));
    }
}
