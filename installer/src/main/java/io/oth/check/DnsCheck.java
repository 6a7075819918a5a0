package io.oth.check;

import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** dns.fqdn from the app nodes (the FQDN must name the load balancer) and dns.nodes from every node. */
final class DnsCheck implements NodeCheck {
    private static final String FQDN = "dns.fqdn";
    private static final String NODE = "dns.node:";

    private final Site site;

    DnsCheck(Site site) {
        this.site = site;
    }

    static List<CheckInfo> checks(Playbooks playbooks) {
        List<String> roles = List.copyOf(playbooks.roles().keySet());
        return List.of(
                new CheckInfo(FQDN, "the site's FQDN resolves to the load balancer's public address", List.of(Vantage.OPERATOR, Vantage.APP)),
                new CheckInfo("dns.nodes", "every other node's name resolves to its address", roles));
    }

    @Override
    public List<Probe> probes(Node node) {
        List<Probe> probes = new ArrayList<>();
        if (node.role().equals(Vantage.APP)) {
            probes.add(Probe.waiting(FQDN, "echo \"$(" + ResolverCheck.NAMESERVER + ")\"; getent ahostsv4 " + Command.quote(site.fqdn())));
        }
        others(node).forEach(other -> probes.add(Probe.waiting(NODE + other.name(), "getent ahostsv4 " + Command.quote(other.name()))));
        return probes;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        List<Finding> findings = new ArrayList<>();
        if (node.role().equals(Vantage.APP)) {
            String lb = site.nodesWithRole(Vantage.LB).get(0).publicAddress().orElseThrow();
            String output = answers.get(FQDN).output();
            int firstLine = output.indexOf('\n');
            String server = output.isEmpty() ? "?" : firstLine < 0 ? output : output.substring(0, firstLine);
            List<String> got = firstLine < 0 ? List.of() : getentAddresses(output.substring(firstLine + 1));
            findings.add(OperatorChecks.fqdnFinding(site.fqdn(), node.name(), lb, new NameLookup.Answer(got, "nameserver " + server, Optional.empty())));
        }
        for (Node other : others(node)) {
            List<String> got = getentAddresses(answers.get(NODE + other.name()).output());
            if (got.contains(other.address())) {
                findings.add(Finding.ok("dns.nodes", node.name(), other.name(), "resolves to " + other.address()));
            } else {
                findings.add(new Finding("dns.nodes", node.name(), other.name(), Verdict.FAIL,
                        got.isEmpty() ? "does not resolve" : "resolves to " + String.join(", ", got) + ", not " + other.address(),
                        "oth install writes the site's names into /etc/hosts; run it, or fix the internal DNS"));
            }
        }
        return findings;
    }

    private List<Node> others(Node node) {
        return site.nodes().stream().filter(other -> !other.name().equals(node.name())).toList();
    }

    /**
     * The addresses in what {@code getent ahostsv4} printed (one line per address and socket type),
     * each once, sorted. Parsed here rather than with awk and sort on the node: a doctor run starts
     * a few hundred lookups at once, and each process there counts.
     */
    static List<String> getentAddresses(String output) {
        return output.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")[0]).distinct().sorted().toList();
    }
}
