package io.oth.check;

import io.oth.cert.BundleCheck;
import io.oth.cert.BundleReport;
import io.oth.cert.FindingCode;
import io.oth.op.Probe;
import io.oth.phase.Parallel;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.remote.ssh.SshFleet;
import io.oth.site.Feature;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code oth doctor}: every check from every vantage point at once. Each node answers all of its
 * probes in one SSH session, the probes running side by side, so a run takes about as long as the
 * slowest probe.
 */
public final class Doctor {
    public static final Set<String> CATEGORIES = Set.of("reach", "dns", "ports", "outbound", "certs", "posture");

    private final Site site;
    private final ConnectOptions options;
    private final Set<String> only;
    private final int probeSeconds;
    private final Playbooks playbooks = Playbooks.load();

    public Doctor(Site site, ConnectOptions options, Set<String> only, int probeSeconds) {
        this.site = site;
        this.options = options;
        this.only = only.isEmpty() ? CATEGORIES : only;
        this.probeSeconds = probeSeconds;
    }

    public List<Finding> run() {
        List<Finding> findings = new ArrayList<>();
        String bastion = site.bastion().map(b -> "bastion " + b.address()).orElse("nodes (direct)");
        if (only.contains("certs")) {
            findings.addAll(servedCertificate());
            site.certificateBundle().ifPresent(bundle -> findings.addAll(certificateFindings("certs.bundle", "operator", bundle.toString(),
                    BundleCheck.check(bundle, site.fqdn(), Clock.systemUTC()))));
        }
        try (Fleet fleet = SshFleet.connect(site, site.nodes(), options)) {
            findings.add(Finding.ok("reach.bastion", "operator", bastion, "SSH and host key as recorded"));
            for (Fleet.Reach reach : fleet.reaches()) {
                reach.failure().ifPresentOrElse(
                        f -> findings.add(new Finding("reach.node", "bastion", reach.node().name(), Verdict.FAIL, f.getMessage(), f.failure().hint())),
                        () -> findings.add(Finding.ok("reach.node", "bastion", reach.node().name(), "SSH and host key as recorded")));
            }
            List<Fleet.Reach> reached = fleet.reaches().stream().filter(r -> r.host().isPresent()).toList();
            Parallel.map(reached, options.concurrency(), reach -> fromNode(reach)).forEach(findings::addAll);
        } catch (RemoteException e) {
            findings.add(new Finding("reach.bastion", "operator", bastion, Verdict.FAIL, e.getMessage(), e.failure().hint()));
        }
        return findings.stream().filter(f -> only.contains(f.id().substring(0, f.id().indexOf('.')))).toList();
    }

    /** Everything seen from one node, probed in one session. */
    private List<Finding> fromNode(Fleet.Reach reach) {
        Node node = reach.node();
        List<Probe> probes = new ArrayList<>();
        List<Consumer<Map<String, Probe.Answer>>> readers = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        if (only.contains("dns")) {
            dns(node, probes, readers, findings);
        }
        if (only.contains("ports")) {
            ports(node, probes, readers, findings);
        }
        if (only.contains("outbound") && node.role().equals("app")) {
            outbound(node, probes, readers, findings);
        }
        if (only.contains("posture")) {
            posture(node, probes, readers, findings);
        }
        if (probes.isEmpty()) {
            return findings;
        }
        try {
            CommandResult r = reach.host().orElseThrow().run(Command.shell(Probe.concurrentScript(probes)),
                    Duration.ofSeconds(probeSeconds + 20L));
            Map<String, Probe.Answer> answers = Probe.parse(r.stdout());
            readers.forEach(reader -> reader.accept(answers));
        } catch (RemoteException e) {
            findings.add(new Finding("reach.node", "bastion", node.name(), Verdict.FAIL, e.getMessage(), e.failure().hint()));
        }
        return findings;
    }

    private void dns(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        String resolver = "awk '/^nameserver/ {print $2; exit}' /etc/resolv.conf";
        if (node.role().equals("app")) {
            String lb = site.nodesWithRole("lb").get(0).publicAddress().orElseThrow();
            probes.add(new Probe("dns.fqdn", "echo \"$(" + resolver + ")\"; getent ahostsv4 " + Command.quote(site.fqdn()) + " | awk '{print $1}' | sort -u"));
            readers.add(a -> {
                List<String> lines = a.get("dns.fqdn").output().lines().toList();
                String server = lines.isEmpty() ? "?" : lines.get(0);
                List<String> got = lines.size() > 1 ? lines.subList(1, lines.size()) : List.of();
                if (got.equals(List.of(lb))) {
                    findings.add(Finding.ok("dns.fqdn", node.name(), site.fqdn(), "resolves to the load balancer " + lb));
                } else if (got.isEmpty()) {
                    findings.add(new Finding("dns.fqdn", node.name(), site.fqdn(), Verdict.FAIL, "does not resolve (nameserver " + server + ")",
                            "add an A record " + site.fqdn() + " → " + lb + " where " + server + " looks"));
                } else {
                    findings.add(new Finding("dns.fqdn", node.name(), site.fqdn(), Verdict.FAIL,
                            "resolves to " + String.join(", ", got) + ", not the load balancer's " + lb + " (nameserver " + server + ")",
                            "point the A record of " + site.fqdn() + " at " + lb));
                }
            });
        }
        for (Node other : site.nodes()) {
            if (other.name().equals(node.name())) {
                continue;
            }
            String key = "dns.node:" + other.name();
            probes.add(new Probe(key, "getent ahostsv4 " + Command.quote(other.name()) + " | awk '{print $1}' | sort -u"));
            readers.add(a -> {
                List<String> got = a.get(key).output().lines().toList();
                if (got.contains(other.address())) {
                    findings.add(Finding.ok("dns.nodes", node.name(), other.name(), "resolves to " + other.address()));
                } else {
                    findings.add(new Finding("dns.nodes", node.name(), other.name(), Verdict.FAIL,
                            got.isEmpty() ? "does not resolve" : "resolves to " + String.join(", ", got) + ", not " + other.address(),
                            "oth install writes the site's names into /etc/hosts; run it, or fix the internal DNS"));
                }
            });
        }
    }

    private void ports(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        List<Connect> targets = new ArrayList<>();
        if (node.role().equals("lb")) {
            site.nodesWithRole("app").forEach(app -> targets.add(new Connect(app.address(), 80)));
        }
        if (node.role().equals("app")) {
            site.nodesWithRole("storage").forEach(storage -> storagePorts().forEach(port -> targets.add(new Connect(storage.address(), port))));
        }
        for (Connect target : targets) {
            String key = "port:" + target;
            probes.add(target.probe(key, probeSeconds));
            readers.add(a -> findings.add(connectFinding("ports." + node.role() + "-" + roleOf(target.host()), node, target.toString(),
                    Connect.outcome(a.get(key)), Verdict.FAIL)));
        }
    }

    /** The storage node's ports that the services the site runs there need. */
    private List<Integer> storagePorts() {
        List<Integer> ports = new ArrayList<>();
        if (site.storage().database().isLocal()) {
            ports.add(3306);
        }
        if (site.storage().broker().isLocal()) {
            ports.addAll(List.of(5671, 15671));
            if (site.storage().plainAmqp()) {
                ports.add(5672);
            }
        }
        if (site.storage().objects().isLocal()) {
            ports.add(9000);
        }
        return ports;
    }

    private void outbound(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        for (Feature feature : playbooks.features().values()) {
            String id = "outbound." + feature.name();
            for (Feature.Endpoint endpoint : feature.endpoints()) {
                for (int port : endpoint.ports()) {
                    Connect target = new Connect(endpoint.host(), port);
                    if (!site.features().contains(feature.name())) {
                        findings.add(new Finding(id, node.name(), target.toString(), Verdict.SKIP, "feature " + feature.name() + " is off", ""));
                        continue;
                    }
                    String key = "out:" + target;
                    probes.add(target.probe(key, probeSeconds));
                    readers.add(a -> findings.add(connectFinding(id, node, target.toString(), Connect.outcome(a.get(key)),
                            feature.mandatory() ? Verdict.FAIL : Verdict.WARN)));
                }
            }
        }
    }

    private void posture(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        String key = "posture:" + node.name();
        probes.add(new Probe(key, "nft list chain inet oth input 2>/dev/null | grep -c 'policy drop' || true; ss -ltnH | awk '{print $4}'"));
        Set<Integer> expected = new java.util.HashSet<>(Set.of(22));
        playbooks.roles().get(node.role()).inbound().forEach(in -> expected.add(in.port()));
        readers.add(a -> {
            List<String> lines = a.get(key).output().lines().toList();
            boolean dropping = !lines.isEmpty() && !lines.get(0).strip().equals("0");
            findings.add(dropping ? Finding.ok("posture.firewall", node.name(), "inbound", "default drop, oth's ruleset active")
                    : new Finding("posture.firewall", node.name(), "inbound", Verdict.FAIL, "no oth firewall with a default-drop input chain is active",
                    "run oth install (it applies the ruleset with an automatic revert)"));
            List<String> extra = lines.stream().skip(1).filter(l -> !l.startsWith("127.") && !l.startsWith("[::1]") && !l.startsWith("[::ffff:127."))
                    .filter(l -> !expected.contains(Integer.parseInt(l.substring(l.lastIndexOf(':') + 1)))).distinct().toList();
            findings.add(extra.isEmpty() ? Finding.ok("posture.listen", node.name(), "sockets", "listens only on ports of the network table")
                    : new Finding("posture.listen", node.name(), "sockets", Verdict.WARN, "also listens on " + String.join(", ", extra)
                    + " (not in the network table; the firewall drops it)", "stop or bind to loopback what does not belong on this node"));
        });
    }

    private Finding connectFinding(String id, Node from, String target, Connect.Outcome outcome, Verdict whenFailed) {
        if (outcome == Connect.Outcome.CONNECTED) {
            return Finding.ok(id, from.name(), target, "connected");
        }
        String hint = switch (outcome) {
            case REFUSED -> "nothing listens on " + target + ": is the service running there?";
            case TIMEOUT -> "a firewall drops " + target + " from " + from.name() + " (" + from.address()
                    + "): check the nftables rule on the target for " + from.address();
            case NO_ROUTE -> "no route from " + from.name() + " to " + target + ": check routing and the target's firewall";
            case DNS -> "the name does not resolve from " + from.name() + ": check /etc/resolv.conf and the DNS server";
            default -> "check the network between " + from.name() + " and " + target;
        };
        return new Finding(id, from.name(), target, whenFailed, outcome.text(), hint);
    }

    private String roleOf(String address) {
        return site.nodes().stream().filter(n -> n.address().equals(address)).map(Node::role).findFirst().orElse("node");
    }

    /** The certificate chain haproxy actually serves, fetched from the operator's side. */
    private List<Finding> servedCertificate() {
        Node lb = site.nodesWithRole("lb").get(0);
        String address = lb.publicAddress().orElse(lb.address());
        String target = address + ":443";
        try {
            String pem = ServedChain.fetch(address, 443, site.fqdn(), Duration.ofSeconds(probeSeconds));
            return certificateFindings("certs.served", "operator", target, BundleCheck.check(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "the chain served on " + target, site.fqdn(), Clock.systemUTC()));
        } catch (java.io.IOException e) {
            return List.of(new Finding("certs.served", "operator", target, Verdict.FAIL, "no TLS handshake: " + e.getMessage(),
                    "is haproxy running on the load balancer, and 443 open to the operator?"));
        }
    }

    private static List<Finding> certificateFindings(String id, String vantage, String target, BundleReport report) {
        List<Finding> findings = new ArrayList<>();
        for (io.oth.cert.Finding f : report.findings()) {
            if (id.equals("certs.served") && (f.code() == FindingCode.NO_KEY || f.code() == FindingCode.KEY_NOT_FIRST)) {
                continue;
            }
            findings.add(new Finding(id, vantage, target, f.severity() == io.oth.cert.Severity.ERROR ? Verdict.FAIL : Verdict.WARN,
                    f.code() + ": " + f.message(), "docs/certificates.md explains " + f.code()));
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok(id, vantage, target, "order, chain, name and expiry are right"));
        }
        return findings;
    }
}
