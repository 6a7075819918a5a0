package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** dns.fqdn and dns.nodes from the nodes: getent's answers in, findings out. */
class DnsCheckTest {
    private final Site site = Sites.lab();
    private final DnsCheck check = new DnsCheck(site);

    private List<Finding> seen(String node, Map<String, String> outputs) {
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, node)).forEach(p -> answers.put(p.key(), new Probe.Answer(0, outputs.getOrDefault(p.key(), ""))));
        return check.findings(Sites.node(site, node), answers);
    }

    private static Map<String, String> everyNodeResolves() {
        return new HashMap<>(Map.of("dns.node:lb", "10.77.0.2 STREAM lb", "dns.node:app1", "10.77.0.101 STREAM app1",
                "dns.node:app2", "10.77.0.102 STREAM app2", "dns.node:storage", "10.77.0.20 STREAM storage"));
    }

    @Test
    void aHealthyAppNodeSeesTheFqdnAndEveryOtherNode() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("dns.fqdn", "203.0.113.53\n203.0.113.20    STREAM oth.example.test\n203.0.113.20    DGRAM");
        List<Finding> findings = seen("app1", outputs);
        assertEquals(List.of("dns.fqdn oth.example.test OK", "dns.nodes lb OK", "dns.nodes app2 OK", "dns.nodes storage OK"),
                findings.stream().map(f -> f.id() + " " + f.target() + " " + f.verdict()).toList());
        assertEquals("resolves to the load balancer 203.0.113.20 (nameserver 203.0.113.53)", findings.get(0).cause());
    }

    @Test
    void aMissingOrWrongRecordNamesTheAnswerAndTheServer() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("dns.fqdn", "203.0.113.53");
        assertEquals("does not resolve (nameserver 203.0.113.53)", seen("app2", outputs).get(0).cause());
        outputs.put("dns.fqdn", "203.0.113.53\n203.0.113.99 STREAM oth.example.test");
        Finding wrong = seen("app2", outputs).get(0);
        assertEquals(Verdict.FAIL, wrong.verdict());
        assertEquals("resolves to 203.0.113.99, not the load balancer's 203.0.113.20 (nameserver 203.0.113.53)", wrong.cause());
    }

    @Test
    void aNodeNameMissingOrElsewhereIsAFailureWithTheHostsFileHint() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("dns.node:app1", "");
        outputs.put("dns.node:app2", "10.77.0.250 STREAM app2");
        List<Finding> findings = seen("storage", outputs);
        assertEquals(List.of("lb OK", "app1 FAIL does not resolve", "app2 FAIL resolves to 10.77.0.250, not 10.77.0.102"),
                findings.stream().map(f -> f.target() + " " + f.verdict() + (f.verdict() == Verdict.OK ? "" : " " + f.cause())).toList());
        assertEquals("oth install writes the site's names into /etc/hosts; run it, or fix the internal DNS", findings.get(1).hint());
    }
}
