package io.oth.check;

import io.oth.ca.CaException;
import io.oth.ca.SiteCa;
import io.oth.fleet.FleetConnector;
import io.oth.install.InstallPlaybook;
import io.oth.concurrent.Parallel;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.ServicePorts;
import io.oth.site.Site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code oth doctor}: every check from every vantage point at once. Each node answers all of its
 * probes in one SSH session, the probes running side by side, so a run takes about as long as the
 * slowest probe. The checks themselves are the families ({@link NodeCheck}s, {@link OperatorChecks},
 * {@link ForwardChecks}); this class connects, runs them and puts their findings together.
 */
public final class Doctor {
    /**
     * The categories of checks, the part of a check id before the dot. Lower case, sorted: the
     * constants are the names {@code oth doctor --only} takes and lists.
     */
    public enum Category {
        certs, dns, outbound, ports, posture, reach, service;

        /** The order a reader follows: what a check needs comes before it (reach before all, names before ports). */
        public static List<Category> inCheckOrder() {
            return List.of(reach, dns, ports, service, outbound, certs, posture);
        }
    }

    /** Before an install: only what must be in place for it to work (what install makes is not there yet). */
    static final Set<String> PREFLIGHT = Set.of(ReachCheck.BASTION, ReachCheck.NODE, ClockCheck.ID, ResolverCheck.ID, "dns.fqdn", "certs.bundle");
    private static final Set<String> PREFLIGHT_CATEGORIES = Set.of("reach", "dns", "outbound", "certs");

    /**
     * What a run works with. {@code connector}: the nodes over SSH in a run, test hosts in a test;
     * {@code operatorLookup}: how the operator's machine resolves names (its own resolver, or
     * --resolver); {@code stateDir}: where install keeps the site CA and secrets.
     */
    public record Context(Site site, Playbooks playbooks, Clock clock, FleetConnector connector, NameLookup operatorLookup, Path stateDir) {
    }

    private final Context context;
    private final Site site;
    private final Set<String> only;
    private final boolean preflight;
    private final int probeSeconds;
    private final List<Finding> setup = new CopyOnWriteArrayList<>();
    private CompletableFuture<Optional<SiteCa>> ca;
    private ForwardChecks forwards;
    private Optional<Secrets> secrets = Optional.empty();
    private ExecutorService executor;
    private BiConsumer<Node, String> answersSeen = (node, raw) -> { };
    private Optional<String> offline = Optional.empty();
    /** The port each node's sshd is reached on: the fleet's, once connected. */
    private ToIntFunction<Node> sshPorts = Fleet::sitePort;

    /** {@code preflight}: only what an install needs in place ({@link #PREFLIGHT} and the outbound endpoints). */
    public Doctor(Context context, Set<Category> only, boolean preflight, int probeSeconds) {
        this.context = context;
        this.site = context.site();
        Set<String> asked = (only.isEmpty() ? EnumSet.allOf(Category.class) : only).stream().map(Category::name).collect(Collectors.toSet());
        this.only = preflight ? asked.stream().filter(PREFLIGHT_CATEGORIES::contains).collect(Collectors.toSet()) : asked;
        this.preflight = preflight;
        this.probeSeconds = probeSeconds;
    }

    /**
     * The Debian packages come from this offline bundle (its file and manifest sha256, checked by the
     * caller): outbound.packages says so instead of asking the nodes' package sources.
     */
    public Doctor packagesFrom(Optional<String> bundle) {
        this.offline = bundle;
        return this;
    }

    /**
     * Hands each node's raw probe answers to {@code sink} as they arrive: a support bundle keeps
     * them, so that {@link #fromAnswers} can analyse them again where no node can be reached.
     */
    public Doctor recordingAnswers(BiConsumer<Node, String> sink) {
        this.answersSeen = sink;
        return this;
    }

    /**
     * The findings of the node checks from answers recorded earlier (a support bundle's), node name
     * to raw answers, analysed as at {@code context}'s clock; no node is contacted. What needs this
     * side's secrets or the site CA's keys, which a bundle never holds, comes out as a skip.
     */
    public static List<Finding> fromAnswers(Context context, Map<String, String> answers) {
        Doctor doctor = new Doctor(context, Set.of(), false, 3);
        doctor.ca = CompletableFuture.completedFuture(Optional.empty());
        List<Finding> findings = new ArrayList<>();
        for (Node node : context.site().nodes()) {
            String raw = answers.get(node.name());
            if (raw != null) {
                Map<String, Probe.Answer> parsed = Probe.parse(raw);
                List<Finding> seen = new ArrayList<>();
                for (NodeCheck check : doctor.nodeChecks()) {
                    boolean answered = check.probes(node).stream().allMatch(p -> parsed.containsKey(p.key()));
                    if (answered) {
                        seen.addAll(check.findings(node, parsed));
                    }
                }
                findings.addAll(resolverExplains(seen));
            }
        }
        return PostureCheck.oneRelease(findings);
    }

    /** Every check doctor knows, with what it verifies and from where; one entry per id. */
    public static List<CheckInfo> catalogue(Playbooks playbooks) {
        Map<String, CheckInfo> byId = new LinkedHashMap<>();
        Stream.of(ReachCheck.checks(), ClockCheck.checks(), ResolverCheck.checks(), DnsCheck.checks(playbooks), PortMatrixCheck.checks(playbooks),
                        OperatorChecks.checks(), ForwardChecks.checks(), OutboundCheck.checks(playbooks), PackageSourceCheck.checks(), InternalCertificatesCheck.checks(),
                        PostureCheck.checks(playbooks), SecurityCheck.checks(), BrokerAccountsCheck.checks(), ObjectAccountsCheck.checks(), SecretFilesCheck.checks(),
                        EncryptionAtRestCheck.checks(), DiskCheck.checks(), CredentialsCheck.checks())
                .flatMap(List::stream)
                .forEach(c -> byId.merge(c.id(), c, (a, b) -> new CheckInfo(a.id(), a.verifies(),
                        Stream.concat(a.from().stream(), b.from().stream()).distinct().toList())));
        return List.copyOf(byId.values());
    }

    /** Runs every check asked for; with {@code node}, keeps only what that node sees and whether it was reached. */
    public DoctorReport report(Optional<String> node) {
        long start = System.nanoTime();
        Instant started = Instant.now(context.clock());
        DoctorReport report = new DoctorReport(run(), started, (System.nanoTime() - start) / 1e9);
        return node.map(report::seenFrom).orElse(report);
    }

    public List<Finding> run() {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "oth-doctor");
            t.setDaemon(true);
            return t;
        });
        try {
            if (only.contains("service")) {
                executor.execute(ServiceLogin::warmUp);
            }
            ca = CompletableFuture.supplyAsync(this::siteCa, executor);
            secrets = siteSecrets();
            forwards = new ForwardChecks(site, context.playbooks(), context.clock(), ca::join, secrets, Duration.ofSeconds(probeSeconds), executor);
            CompletableFuture<List<Finding>> operator = CompletableFuture.supplyAsync(this::fromOperator, executor);
            List<Finding> nodes = throughBastion();
            List<Finding> fromOperator = operator.join();
            ca.join();
            List<Finding> findings = new ArrayList<>(setup);
            findings.addAll(fromOperator);
            if (only.contains("posture")) {
                findings.addAll(CredentialsCheck.findings(site, secrets, context.clock()));
            }
            findings.addAll(nodes);
            List<Finding> all = findings.stream().map(this::waived).toList();
            return ReachCheck.withBlockers(all.stream().filter(this::asked).toList(), all);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Whether --only and --preflight ask for {@code f}; a failed resolver shows with the outbound checks it explains. */
    private boolean asked(Finding f) {
        boolean category = only.contains(f.id().substring(0, f.id().indexOf('.')))
                || f.id().equals(ResolverCheck.ID) && f.verdict() == Verdict.FAIL && only.contains("outbound");
        return category && (!preflight || PREFLIGHT.contains(f.id()) || f.id().startsWith("outbound."));
    }

    /** A warning or failure the site file accepts (waivers:) shows as waived, with the reason; an expired waiver no longer counts. */
    private Finding waived(Finding f) {
        if (f.verdict() != Verdict.WARN && f.verdict() != Verdict.FAIL) {
            return f;
        }
        LocalDate today = LocalDate.now(context.clock());
        return site.waivers().stream().filter(w -> w.covers(f.id(), f.vantage(), f.target())).findFirst()
                .map(w -> w.expired(today)
                        ? new Finding(f.id(), f.vantage(), f.target(), f.verdict(), f.cause() + " (its waiver ended on " + w.until().orElseThrow() + ")",
                                f.hint().isEmpty() ? "renew or remove the waiver at " + w.where() : f.hint() + "; or renew the waiver at " + w.where())
                        : new Finding(f.id(), f.vantage(), f.target(), Verdict.WAIVED, f.cause() + " — waived: " + w.reason(), "waiver at " + w.where()))
                .orElse(f);
    }

    /** What the operator's machine sees, each check on its own thread. */
    private List<Finding> fromOperator() {
        OperatorChecks operator = new OperatorChecks(site, ServicePorts.of(context.playbooks()), context.operatorLookup(), Duration.ofSeconds(probeSeconds), context.clock());
        List<CompletableFuture<List<Finding>>> checks = new ArrayList<>();
        if (only.contains("dns")) {
            checks.add(CompletableFuture.supplyAsync(operator::dns, executor));
        }
        if (only.contains("ports")) {
            checks.add(CompletableFuture.supplyAsync(() -> List.of(operator.redirect()), executor));
        }
        if (only.contains("certs") || only.contains("ports")) {
            checks.add(CompletableFuture.supplyAsync(operator::served, executor));
        }
        if (only.contains("certs")) {
            checks.add(CompletableFuture.completedFuture(operator.bundle()));
        }
        return checks.stream().flatMap(c -> c.join().stream()).toList();
    }

    /** The site CA as install left it (loading its keys takes a while: this runs beside the SSH connections). */
    private Optional<SiteCa> siteCa() {
        Path dir = context.stateDir().resolve("ca");
        try {
            return SiteCa.existing(dir, site.name(), context.clock());
        } catch (CaException e) {
            setup.add(new Finding("certs.internal", Vantage.OPERATOR, "site CA", Verdict.FAIL, "cannot read the site CA: " + e.getMessage(),
                    "the CA lives in " + dir + "; restore it from a backup"));
            return Optional.empty();
        }
    }

    private Optional<Secrets> siteSecrets() {
        Path file = context.stateDir().resolve("secrets.yml");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Secrets.open(file));
        } catch (SecretsException e) {
            setup.add(new Finding("service.secrets", Vantage.OPERATOR, file.toString(), Verdict.FAIL, e.getMessage(), "the secrets file must be 0600 and valid YAML"));
            return Optional.empty();
        }
    }

    private List<Finding> throughBastion() {
        List<Finding> findings = new ArrayList<>();
        try (Fleet fleet = context.connector().connect(site, site.nodes())) {
            sshPorts = fleet::sshPort;
            findings.add(ReachCheck.bastionReached(site));
            for (Fleet.Reach reach : fleet.reaches()) {
                Finding reached = ReachCheck.node(reach);
                findings.add(reached);
                if (reach.host().isEmpty()) {
                    findings.addAll(notTried(reach.node(), reached));
                }
            }
            List<Fleet.Reach> reached = fleet.reaches().stream().filter(r -> r.host().isPresent()).toList();
            // Two rounds: what failed in the first, when every node is probing at once, is tried
            // again once all have answered (see NodeCheck#triedAgain).
            List<FirstRound> first = Parallel.map(reached, context.connector().concurrency(), this::firstRound);
            Parallel.map(first, context.connector().concurrency(), this::secondRound).forEach(findings::addAll);
            return PostureCheck.oneRelease(findings);
        } catch (RemoteException e) {
            Finding bastion = ReachCheck.bastionFailed(site, e);
            findings.add(bastion);
            site.nodes().forEach(node -> {
                findings.add(ReachCheck.notTried(ReachCheck.NODE, Vantage.BASTION, node.name(), bastion));
                findings.addAll(notTried(node, bastion));
            });
        }
        return findings;
    }

    /** A skip for each check {@code node} would have run, naming the finding that kept it from running. */
    private List<Finding> notTried(Node node, Finding blocker) {
        return catalogue(context.playbooks()).stream().filter(c -> c.runsOn(node)).map(CheckInfo::id)
                .map(id -> ReachCheck.notTried(id, node.name(), "-", blocker)).toList();
    }

    /** The node checks --only asks for; the resolver whenever a check needs names. */
    private List<NodeCheck> nodeChecks() {
        List<NodeCheck> checks = new ArrayList<>();
        if (only.contains("reach")) {
            checks.add(new ClockCheck());
        }
        if (only.contains("dns")) {
            checks.add(new DnsCheck(site));
        }
        if (only.contains("dns") || only.contains("outbound")) {
            checks.add(new ResolverCheck(site, probeSeconds));
        }
        if (only.contains("ports")) {
            checks.add(new PortMatrixCheck(site, context.playbooks(), sshPorts, probeSeconds));
        }
        if (only.contains("outbound")) {
            checks.add(new OutboundCheck(site, context.playbooks(), probeSeconds));
            checks.add(new PackageSourceCheck(site, InstallPlaybook.load(), probeSeconds, offline));
        }
        if (only.contains("posture")) {
            checks.add(new PostureCheck(site, context.playbooks(), sshPorts, context.clock()));
            checks.add(new SecurityCheck(site, () -> secrets));
            checks.add(new SecretFilesCheck(site));
            checks.add(new EncryptionAtRestCheck(site));
            checks.add(new DiskCheck());
        }
        if (only.contains("certs")) {
            checks.add(new InternalCertificatesCheck(site, ca::join, context.clock()));
        }
        return checks;
    }

    /**
     * What one node answered in the first round: its probes' answers as printed ({@code raw}) and
     * parsed, the failed ones to try again, or why it gave none; and the checks made through its
     * forwards and the service APIs, still running.
     */
    private record FirstRound(Fleet.Reach reach, List<NodeCheck> checks, boolean probed, String raw, Map<String, Probe.Answer> answers, List<Probe> again,
                              Optional<RemoteException> failed, List<CompletableFuture<Finding>> services, CompletableFuture<List<Finding>> served,
                              List<ApiRead> apis) {
    }

    /**
     * A check that reads a service's API through the node (its accounts, its encryption), started
     * in the first round: {@code read} again gives its second try.
     */
    record ApiRead(Supplier<List<Finding>> read, CompletableFuture<List<Finding>> first) {
        ApiRead(Supplier<List<Finding>> read, Executor executor) {
            this(read, CompletableFuture.supplyAsync(read, executor));
        }

        /** The first answer, or where it failed, a second read's (as a login's: the failure must be the service's, not the checks' load). */
        CompletableFuture<List<Finding>> again(Executor executor) {
            return first.thenCompose(answered -> answered.stream().anyMatch(f -> f.verdict() == Verdict.FAIL)
                    ? CompletableFuture.supplyAsync(read, executor).thenApply(second -> ForwardChecks.secondTry(answered, second))
                    : CompletableFuture.completedFuture(answered));
        }
    }

    /** Everything seen from one node, probed in one session; the checks through its forwards started beside. */
    private FirstRound firstRound(Fleet.Reach reach) {
        Node node = reach.node();
        Host host = reach.host().orElseThrow();
        List<NodeCheck> checks = nodeChecks();
        // Each check's probes, built once: the second round chooses among them by the check they belong to.
        List<Map.Entry<NodeCheck, List<Probe>>> byCheck = checks.stream().map(c -> Map.entry(c, c.probes(node))).toList();
        List<Probe> probes = byCheck.stream().flatMap(e -> e.getValue().stream()).toList();
        boolean app = node.role().equals(Vantage.APP);
        List<CompletableFuture<Finding>> services = only.contains("service") && app ? forwards.services(node, host) : List.of();
        CompletableFuture<List<Finding>> served = only.contains("certs") && app ? forwards.served(node, host)
                : CompletableFuture.completedFuture(List.of());
        List<ApiRead> apis = new ArrayList<>();
        BrokerAccountsCheck broker = new BrokerAccountsCheck(site, ca::join, () -> secrets, ServicePorts.of(context.playbooks()).managementTls(),
                Duration.ofSeconds(probeSeconds));
        if (only.contains("posture") && broker.runsOn(node)) {
            apis.add(new ApiRead(() -> List.of(broker.on(node, host)), executor));
        }
        ObjectAccountsCheck objects = new ObjectAccountsCheck(site, ca::join, () -> secrets, ServicePorts.of(context.playbooks()).minio(),
                Duration.ofSeconds(probeSeconds + 20L), Duration.ofSeconds(probeSeconds), executor);
        if (only.contains("posture") && objects.runsOn(node)) {
            apis.add(new ApiRead(() -> objects.on(node, host), executor));
        }
        ExternalObjectsEncryptionCheck externalObjects = new ExternalObjectsEncryptionCheck(site, () -> secrets, Duration.ofSeconds(probeSeconds + 20L));
        if (only.contains("posture") && externalObjects.runsOn(node)) {
            apis.add(new ApiRead(() -> List.of(externalObjects.on(node, host)), executor));
        }
        if (probes.isEmpty()) {
            return new FirstRound(reach, checks, false, "", Map.of(), List.of(), Optional.empty(), services, served, apis);
        }
        try {
            Instant sent = Instant.now(context.clock());
            CommandResult r = Probe.ran(node.name(), host.run(Command.shell(Probe.concurrentScript(probes)), Duration.ofSeconds(probeSeconds + 20L)));
            Instant answered = Instant.now(context.clock());
            checks.forEach(c -> c.answeredWithin(sent, answered));
            // A probe whose section the node left out fails as unanswered (and is tried again), never the run.
            Map<String, Probe.Answer> answers = Probe.answered(r.stdout(), probes);
            List<Probe> again = byCheck.stream().flatMap(e -> e.getValue().stream()
                    .filter(p -> e.getKey().triedAgain(p, answers.get(p.key())))).toList();
            return new FirstRound(reach, checks, true, r.stdout(), answers, again, Optional.empty(), services, served, apis);
        } catch (RemoteException e) {
            return new FirstRound(reach, checks, true, "", Map.of(), List.of(), Optional.of(e), services, served, apis);
        }
    }

    /** The failed probes, logins and API reads of the first round tried again, then the node's findings. */
    private List<Finding> secondRound(FirstRound first) {
        Node node = first.reach().node();
        Host host = first.reach().host().orElseThrow();
        List<CompletableFuture<List<Finding>>> apis = first.apis().stream().map(a -> a.again(executor)).toList();
        List<Finding> findings = new ArrayList<>();
        if (first.failed().isPresent()) {
            Finding failed = ReachCheck.failed(node.name(), first.failed().get());
            findings.add(failed);
            findings.addAll(notTried(node, failed).stream()
                    .filter(f -> !ForwardChecks.runsThroughForwards(f.id()) && !f.id().equals(ObjectAccountsCheck.ID) && !f.id().equals(BrokerAccountsCheck.ID)).toList());
        } else if (first.probed()) {
            Map<String, Probe.Answer> answers = new HashMap<>(first.answers());
            String raw = first.raw();
            if (!first.again().isEmpty()) {
                try {
                    String more = host.run(Command.shell(Probe.concurrentScript(first.again())), Duration.ofSeconds(probeSeconds + 20L)).stdout();
                    // Later sections win when the answers are parsed again (a support bundle's).
                    raw = raw + more;
                    answers.putAll(Probe.parse(more));
                } catch (RemoteException e) {
                    // The first answers stand.
                }
            }
            answersSeen.accept(node, raw);
            Map<String, Probe.Answer> all = answers;
            first.checks().forEach(c -> findings.addAll(c.findings(node, all)));
        }
        List<Finding> answered = resolverExplains(findings);
        List<Finding> result = new ArrayList<>(answered);
        // A login that the port matrix already explains (its port is closed) is not tried again. The
        // second tries run side by side, as the first did: one after another, a hung storage node's
        // three services would cost the timeout three times over.
        List<CompletableFuture<Finding>> logins = first.services().stream().map(s -> {
            Finding login = explainedByPorts(s.join(), answered);
            return login.verdict() == Verdict.FAIL
                    ? CompletableFuture.supplyAsync(() -> explainedByPorts(forwards.again(node, host, login), answered), executor)
                    : CompletableFuture.completedFuture(login);
        }).toList();
        List<Finding> served = first.served().join();
        CompletableFuture<List<Finding>> servedAgain = served.stream().anyMatch(f -> f.verdict() == Verdict.FAIL)
                ? forwards.served(node, host).thenApply(again -> ForwardChecks.secondTry(served, again)) : CompletableFuture.completedFuture(served);
        logins.forEach(login -> result.add(login.join()));
        result.addAll(servedAgain.join());
        apis.forEach(a -> result.addAll(a.join()));
        return result;
    }

    /** With the node's resolver not answering, what needed a name says so rather than blaming the target. */
    private static List<Finding> resolverExplains(List<Finding> findings) {
        Optional<Finding> resolver = findings.stream().filter(f -> f.id().equals(ResolverCheck.ID) && f.verdict() == Verdict.FAIL).findFirst();
        if (resolver.isEmpty()) {
            return findings;
        }
        return findings.stream().map(f -> f.verdict() != Verdict.OK && f.verdict() != Verdict.SKIP
                && (f.id().equals("dns.fqdn") || f.id().startsWith("outbound.")) ? ResolverCheck.notTried(f, resolver.get()) : f).toList();
    }

    /**
     * A service that could not be reached is a skip when the port matrix already says why; so is one
     * skipped for another reason (no secrets here yet), since the closed port is what stands first in the way.
     */
    private static Finding explainedByPorts(Finding service, List<Finding> ports) {
        if (service.verdict() != Verdict.FAIL && service.verdict() != Verdict.SKIP) {
            return service;
        }
        return ports.stream().filter(p -> p.id().startsWith("ports.") && p.target().equals(service.target()) && p.verdict() == Verdict.FAIL)
                .findFirst()
                .map(p -> new Finding(service.id(), service.vantage(), service.target(), Verdict.SKIP, "not tried: " + p.cause() + " (" + p.id() + ")", ""))
                .orElse(service);
    }
}
