package io.oth.check;

import io.oth.ca.CaException;
import io.oth.ca.SiteCa;
import io.oth.install.InstallPhases;
import io.oth.op.Probe;
import io.oth.concurrent.Parallel;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.remote.ssh.SshFleet;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Feature;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;
import io.oth.support.SupportAccess;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code oth doctor}: every check from every vantage point at once. Each node answers all of its
 * probes in one SSH session, the probes running side by side, so a run takes about as long as the
 * slowest probe.
 */
public final class Doctor {
    public static final Set<String> CATEGORIES = Set.of("reach", "dns", "ports", "service", "outbound", "certs", "posture");
    /** Before an install: only what must be in place for it to work (what install makes is not there yet). */
    static final Set<String> PREFLIGHT = Set.of("reach.bastion", "reach.node", "dns.fqdn", "certs.bundle");

    private final Site site;
    private final ConnectOptions options;
    private final Set<String> only;
    private final boolean preflight;
    private final int probeSeconds;
    private final NameLookup operatorLookup;
    private final Playbooks playbooks = Playbooks.load();
    private final Clock clock = Clock.systemUTC();
    private static final String RELEASE_TARGET = "release ";
    private final List<Finding> setup = new java.util.concurrent.CopyOnWriteArrayList<>();
    private CompletableFuture<Optional<SiteCa>> ca;
    private ForwardChecks forwards;

    /** {@code operatorLookup}: how the operator's machine resolves names (its own resolver, or --resolver). */
    /** {@code preflight}: only what an install needs in place ({@link #PREFLIGHT} and the outbound endpoints). */
    public Doctor(Site site, ConnectOptions options, Set<String> only, boolean preflight, int probeSeconds, NameLookup operatorLookup) {
        this.site = site;
        this.options = options;
        Set<String> asked = only.isEmpty() ? CATEGORIES : only;
        this.only = preflight ? asked.stream().filter(Set.of("reach", "dns", "outbound", "certs")::contains).collect(java.util.stream.Collectors.toSet()) : asked;
        this.preflight = preflight;
        this.probeSeconds = probeSeconds;
        this.operatorLookup = operatorLookup;
    }

    public List<Finding> run() {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "oth-doctor");
            t.setDaemon(true);
            return t;
        });
        try {
            if (only.contains("service")) {
                executor.execute(ServiceLogin::warmUp);
            }
            ca = CompletableFuture.supplyAsync(this::siteCa, executor);
            forwards = new ForwardChecks(site, ca::join, siteSecrets(), Duration.ofSeconds(probeSeconds), executor);
            CompletableFuture<List<Finding>> operator = CompletableFuture.supplyAsync(this::fromOperator, executor);
            List<Finding> nodes = throughBastion();
            List<Finding> fromOperator = operator.join();
            ca.join();
            List<Finding> findings = new ArrayList<>(setup);
            findings.addAll(fromOperator);
            findings.addAll(nodes);
            return findings.stream().filter(f -> only.contains(f.id().substring(0, f.id().indexOf('.'))))
                    .filter(f -> !preflight || PREFLIGHT.contains(f.id()) || f.id().startsWith("outbound."))
                    .map(this::waived).toList();
        } finally {
            executor.shutdownNow();
        }
    }

    /** A warning or failure the site file accepts (waivers:) shows as waived, with the reason; an expired waiver no longer counts. */
    private Finding waived(Finding f) {
        if (f.verdict() != Verdict.WARN && f.verdict() != Verdict.FAIL) {
            return f;
        }
        java.time.LocalDate today = java.time.LocalDate.now(clock);
        return site.waivers().stream().filter(w -> w.covers(f.id(), f.vantage(), f.target())).findFirst()
                .map(w -> w.expired(today)
                        ? new Finding(f.id(), f.vantage(), f.target(), f.verdict(), f.cause() + " (its waiver ended on " + w.until().orElseThrow() + ")",
                                f.hint().isEmpty() ? "renew or remove the waiver at " + w.where() : f.hint() + "; or renew the waiver at " + w.where())
                        : new Finding(f.id(), f.vantage(), f.target(), Verdict.WAIVED, f.cause() + " — waived: " + w.reason(), "waiver at " + w.where()))
                .orElse(f);
    }

    /** What the operator's machine sees, each check on its own thread. */
    private List<Finding> fromOperator() {
        OperatorChecks operator = new OperatorChecks(site, operatorLookup, Duration.ofSeconds(probeSeconds));
        List<CompletableFuture<List<Finding>>> checks = new ArrayList<>();
        if (only.contains("dns")) {
            checks.add(CompletableFuture.supplyAsync(operator::dns));
        }
        if (only.contains("ports")) {
            checks.add(CompletableFuture.supplyAsync(() -> List.of(operator.redirect())));
        }
        if (only.contains("certs") || only.contains("ports")) {
            checks.add(CompletableFuture.supplyAsync(operator::served));
        }
        if (only.contains("certs")) {
            checks.add(CompletableFuture.completedFuture(operator.bundle()));
        }
        return checks.stream().flatMap(c -> c.join().stream()).toList();
    }

    /** The site CA as install left it (loading its keys takes a while: this runs beside the SSH connections). */
    private Optional<SiteCa> siteCa() {
        try {
            return SiteCa.existing(StateDir.of(site.name()).resolve("ca"), site.name(), clock);
        } catch (CaException e) {
            setup.add(new Finding("certs.internal", "operator", "site CA", Verdict.FAIL, "cannot read the site CA: " + e.getMessage(),
                    "the CA lives in " + StateDir.of(site.name()).resolve("ca") + "; restore it from a backup"));
            return Optional.empty();
        }
    }

    private Optional<Secrets> siteSecrets() {
        java.nio.file.Path file = StateDir.of(site.name()).resolve("secrets.yml");
        if (!java.nio.file.Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Secrets.open(file));
        } catch (SecretsException e) {
            setup.add(new Finding("service.secrets", "operator", file.toString(), Verdict.FAIL, e.getMessage(), "the secrets file must be 0600 and valid YAML"));
            return Optional.empty();
        }
    }

    private List<Finding> throughBastion() {
        List<Finding> findings = new ArrayList<>();
        String bastion = site.bastion().map(b -> "bastion " + b.address()).orElse("nodes (direct)");
        try (Fleet fleet = SshFleet.connect(site, site.nodes(), options)) {
            findings.add(Finding.ok("reach.bastion", "operator", bastion, "SSH and host key as recorded"));
            for (Fleet.Reach reach : fleet.reaches()) {
                reach.failure().ifPresentOrElse(
                        f -> findings.add(new Finding("reach.node", "bastion", reach.node().name(), Verdict.FAIL, f.getMessage(), f.failure().hint())),
                        () -> findings.add(Finding.ok("reach.node", "bastion", reach.node().name(), "SSH and host key as recorded")));
            }
            List<Fleet.Reach> reached = fleet.reaches().stream().filter(r -> r.host().isPresent()).toList();
            Parallel.map(reached, options.concurrency(), reach -> fromNode(reach)).forEach(findings::addAll);
            return oneRelease(findings);
        } catch (RemoteException e) {
            findings.add(new Finding("reach.bastion", "operator", bastion, Verdict.FAIL, e.getMessage(), e.failure().hint()));
        }
        return findings;
    }

    /**
     * App nodes that run different releases are each a warning naming them all: an upgrade that
     * did not finish, or a node someone switched by hand.
     */
    static List<Finding> oneRelease(List<Finding> findings) {
        List<Finding> releases = findings.stream().filter(f -> f.id().equals("posture.release") && f.verdict() == Verdict.OK).toList();
        if (releases.stream().map(Finding::target).distinct().count() < 2) {
            return findings;
        }
        String who = String.join(", ", releases.stream().map(f -> f.vantage() + " " + f.target().substring(RELEASE_TARGET.length())).toList());
        return findings.stream().map(f -> !releases.contains(f) ? f : new Finding(f.id(), f.vantage(), f.target(), Verdict.WARN,
                "the app nodes run different releases (" + who + ")", "an upgrade did not finish: oth upgrade (forward) or oth upgrade --rollback"))
                .toList();
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
        if (only.contains("certs") && node.role().equals("storage")) {
            internalCertificates(node, probes, readers, findings);
        }
        boolean app = node.role().equals("app");
        List<CompletableFuture<Finding>> services = only.contains("service") && app ? forwards.services(node, reach.host().orElseThrow()) : List.of();
        CompletableFuture<List<Finding>> served = only.contains("certs") && app ? forwards.served(node, reach.host().orElseThrow())
                : CompletableFuture.completedFuture(List.of());
        if (!probes.isEmpty()) {
            try {
                CommandResult r = reach.host().orElseThrow().run(Command.shell(Probe.concurrentScript(probes)),
                        Duration.ofSeconds(probeSeconds + 20L));
                Map<String, Probe.Answer> answers = Probe.parse(r.stdout());
                readers.forEach(reader -> reader.accept(answers));
            } catch (RemoteException e) {
                findings.add(new Finding("reach.node", "bastion", node.name(), Verdict.FAIL, e.getMessage(), e.failure().hint()));
            }
        }
        List<Finding> ports = List.copyOf(findings);
        services.forEach(s -> findings.add(explainedByPorts(s.join(), ports)));
        findings.addAll(served.join());
        return findings;
    }

    /** A service that could not be reached is a skip when the port matrix already says why. */
    private static Finding explainedByPorts(Finding service, List<Finding> ports) {
        if (service.verdict() != Verdict.FAIL) {
            return service;
        }
        return ports.stream().filter(p -> p.id().startsWith("ports.") && p.target().equals(service.target()) && p.verdict() == Verdict.FAIL)
                .findFirst()
                .map(p -> new Finding(service.id(), service.vantage(), service.target(), Verdict.SKIP, "not tried: " + p.cause() + " (" + p.id() + ")", ""))
                .orElse(service);
    }

    /** certs.internal: the site CA's certificates as the storage node's services have them. */
    private void internalCertificates(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        Map<String, Boolean> local = Map.of("mariadb", site.storage().database().isLocal(), "rabbitmq", site.storage().broker().isLocal(),
                "minio", site.storage().objects().isLocal());
        new TreeMap<>(InstallPhases.SERVICE_CERTIFICATES).forEach((service, path) -> {
            if (!local.getOrDefault(service, false)) {
                return;
            }
            String key = "cert:" + service;
            probes.add(new Probe(key, "cat " + Command.quote(path) + " 2>/dev/null || true"));
            readers.add(a -> findings.add(Certificates.internal(node.name(), service, path, a.get(key).output(), ca.join(), clock)));
        });
    }

    private void dns(Node node, List<Probe> probes, List<Consumer<Map<String, Probe.Answer>>> readers, List<Finding> findings) {
        String resolver = "awk '/^nameserver/ {print $2; exit}' /etc/resolv.conf";
        if (node.role().equals("app")) {
            String lb = site.nodesWithRole("lb").get(0).publicAddress().orElseThrow();
            probes.add(new Probe("dns.fqdn", "echo \"$(" + resolver + ")\"; getent ahostsv4 " + Command.quote(site.fqdn())));
            readers.add(a -> {
                String output = a.get("dns.fqdn").output();
                int firstLine = output.indexOf('\n');
                String server = output.isEmpty() ? "?" : firstLine < 0 ? output : output.substring(0, firstLine);
                List<String> got = firstLine < 0 ? List.of() : getentAddresses(output.substring(firstLine + 1));
                findings.add(OperatorChecks.fqdnFinding(site.fqdn(), node.name(), lb, new NameLookup.Answer(got, "nameserver " + server, Optional.empty())));
            });
        }
        for (Node other : site.nodes()) {
            if (other.name().equals(node.name())) {
                continue;
            }
            String key = "dns.node:" + other.name();
            probes.add(new Probe(key, "getent ahostsv4 " + Command.quote(other.name())));
            readers.add(a -> {
                List<String> got = getentAddresses(a.get(key).output());
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

    /**
     * The addresses in what {@code getent ahostsv4} printed (one line per address and socket type),
     * each once, sorted. Parsed here rather than with awk and sort on the node: a doctor run starts
     * a few hundred lookups at once, and each process there counts.
     */
    static List<String> getentAddresses(String output) {
        return output.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")[0]).distinct().sorted().toList();
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
            // ss prints ADDRESS:PORT; a line that is not one (a node that lies) is no socket
            List<String> extra = lines.stream().skip(1).filter(l -> l.matches("\\S{1,64}:[0-9]{1,5}"))
                    .filter(l -> !l.startsWith("127.") && !l.startsWith("[::1]") && !l.startsWith("[::ffff:127."))
                    .filter(l -> !expected.contains(Integer.parseInt(l.substring(l.lastIndexOf(':') + 1)))).distinct().toList();
            findings.add(extra.isEmpty() ? Finding.ok("posture.listen", node.name(), "sockets", "listens only on ports of the network table")
                    : new Finding("posture.listen", node.name(), "sockets", Verdict.WARN, "also listens on " + String.join(", ", extra)
                    + " (not in the network table; the firewall drops it)", "stop or bind to loopback what does not belong on this node"));
        });
        if (node.role().equals("app")) {
            String release = "release:" + node.name();
            probes.add(new Probe(release, "readlink -f -- " + InstallPhases.APP_CURRENT));
            readers.add(a -> {
                String dir = a.get(release).output().strip();
                findings.add(dir.startsWith(InstallPhases.APP_RELEASES)
                        ? Finding.ok("posture.release", node.name(), RELEASE_TARGET + dir.substring(InstallPhases.APP_RELEASES.length()), dir)
                        : new Finding("posture.release", node.name(), "release", Verdict.FAIL, "no application release installed ("
                        + InstallPhases.APP_CURRENT + " -> " + (dir.isEmpty() ? "nothing" : dir) + ")", "run oth install"));
            });
        }
        String support = "support:" + node.name();
        boolean entry = SupportAccess.isEntry(node, playbooks);
        probes.add(new Probe(support, SupportAccess.statusScript(entry)));
        readers.add(a -> {
            SupportAccess.NodeStatus status = SupportAccess.parseStatus(node.name(), entry, a.get(support).output());
            String state = status.state(clock.instant());
            findings.add(switch (state) {
                case "closed" -> Finding.ok("posture.support", node.name(), "support access", "closed");
                case "open" -> Finding.ok("posture.support", node.name(), "support access", "open " + status.describe());
                default -> new Finding("posture.support", node.name(), "support access", Verdict.WARN, state + ": " + status.describe(),
                        "oth support close removes what is left of support access");
            });
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
}
