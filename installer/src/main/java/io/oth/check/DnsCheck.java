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
    private static final String NODES = "dns.nodes";
    /** Where the per-name lookups begin each name's answer, when one lookup of them all did not find every name. */
    static final String NAME = "@@oth-name ";

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
            probes.add(Probe.waiting(FQDN, ResolverCheck.NAMESERVER + "; echo \"$ns\"; getent ahostsv4 " + Command.quote(site.fqdn())));
        }
        List<Node> others = others(node);
        if (!others.isEmpty()) {
            probes.add(Probe.waiting(NODES, lookups(others.stream().map(Node::name).toList())));
        }
        return probes;
    }

    /**
     * Every other node's name in one {@code getent}: each node asks for all the others (the lookups
     * grow with the square of the nodes), and each process there counts. getent answers the names in
     * order, one block each (its first line names the host: {@link #answers}); when one is not found,
     * the blocks cannot be told apart, so each name is asked again on its own, after a marker line.
     */
    static String lookups(List<String> names) {
        String quoted = String.join(" ", names.stream().map(Command::quote).toList());
        return "out=$(getent ahostsv4 " + quoted + ") && { printf '%s\\n' \"$out\"; exit 0; }; for h in " + quoted
                + "; do printf '" + NAME + "%s\\n' \"$h\"; getent ahostsv4 \"$h\"; done; exit 2";
    }

    /**
     * What the node's lookups said of each name: getent's lines for it, or empty when it gave none.
     * After one lookup of them all (exit 0), a block begins at a line with a third field (the host's
     * name, on the first address only); a count of blocks other than the names' is no answer at all.
     */
    static Map<String, String> answers(List<String> names, Probe.Answer answer) {
        Map<String, String> found = new java.util.HashMap<>();
        if (answer == null) {
            return found;
        }
        List<String> lines = answer.output().lines().toList();
        if (answer.exitCode() == 0) {
            List<StringBuilder> blocks = new ArrayList<>();
            for (String line : lines) {
                String[] fields = line.strip().split("\\s+");
                if (fields.length >= 3 || blocks.isEmpty()) {
                    blocks.add(new StringBuilder());
                }
                blocks.get(blocks.size() - 1).append(line).append('\n');
            }
            if (blocks.size() == names.size()) {
                for (int i = 0; i < names.size(); i++) {
                    found.put(names.get(i), blocks.get(i).toString());
                }
            }
            return found;
        }
        String current = null;
        for (String line : lines) {
            if (line.startsWith(NAME)) {
                String name = line.substring(NAME.length()).strip();
                current = names.contains(name) && !found.containsKey(name) ? name : null;
                if (current != null) {
                    found.put(current, "");
                }
            } else if (current != null) {
                found.merge(current, line + "\n", String::concat);
            }
        }
        return found;
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
        List<Node> others = others(node);
        Map<String, String> looked = answers(others.stream().map(Node::name).toList(), answers.get(NODES));
        for (Node other : others) {
            List<String> got = getentAddresses(looked.getOrDefault(other.name(), ""));
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
