package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Feature;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * outbound.&lt;feature&gt;: from each app node, the endpoints of playbooks/outbound.yml. A feature the
 * site has off is a skip; an optional feature's endpoint that does not connect is a warning.
 */
final class OutboundCheck implements NodeCheck {
    private final Site site;
    private final Playbooks playbooks;
    private final int seconds;

    OutboundCheck(Site site, Playbooks playbooks, int seconds) {
        this.site = site;
        this.playbooks = playbooks;
        this.seconds = seconds;
    }

    static List<CheckInfo> checks(Playbooks playbooks) {
        return playbooks.features().values().stream().map(f -> new CheckInfo("outbound." + f.name(), "the endpoints of " + f.description()
                + " connect" + (f.mandatory() ? "" : " (a warning when not: optional)"), List.of(Vantage.APP))).toList();
    }

    @Override
    public List<Probe> probes(Node node) {
        if (!node.role().equals(Vantage.APP)) {
            return List.of();
        }
        return playbooks.features().values().stream().filter(f -> site.features().contains(f.name())).flatMap(f -> f.endpoints().stream())
                .flatMap(e -> e.ports().stream().map(port -> new Connect(e.host(), port))).map(t -> t.probe(key(t), seconds)).toList();
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        List<Finding> findings = new ArrayList<>();
        if (!node.role().equals(Vantage.APP)) {
            return findings;
        }
        for (Feature feature : playbooks.features().values()) {
            for (Feature.Endpoint endpoint : feature.endpoints()) {
                for (int port : endpoint.ports()) {
                    Connect target = new Connect(endpoint.host(), port);
                    String id = "outbound." + feature.name();
                    findings.add(site.features().contains(feature.name())
                            ? Connect.finding(id, node, target.toString(), Connect.outcome(answers.get(key(target))), feature.mandatory() ? Verdict.FAIL : Verdict.WARN)
                            : new Finding(id, node.name(), target.toString(), Verdict.SKIP, "feature " + feature.name() + " is off", ""));
                }
            }
        }
        return findings;
    }

    private static String key(Connect target) {
        return "out:" + target;
    }
}
