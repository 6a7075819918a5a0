package io.oth.phase;

import io.oth.concurrent.Parallel;
import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;
import io.oth.remote.Upload;
import io.oth.progress.Progress;
import io.oth.remote.ReportedHost;
import io.oth.runlog.DebugLog;
import io.oth.site.Node;
import io.oth.site.Site;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the phases on every node, the nodes concurrently. On a node a phase starts as soon as the
 * phases it needs ({@link Phase#needs}, by default the one listed before it) have finished there,
 * beside the others that are ready; each node's output stays grouped by phase ({@link NodeOutput}).
 * On each node the probes of all its phases run first, in one session; a phase plans the
 * difference from those answers, and in apply mode executes exactly that plan. Once a phase has
 * changed the node, each phase that starts after that reads its facts again (one session) before
 * it plans. A no-op run thus costs one round of probes per node. A node on which a phase fails
 * starts none of its other phases; those already running finish; the other nodes go on. When a
 * change fails, the runner undoes the changes of that phase already applied on the node that say
 * how ({@link Change#undo()}), newest first, then runs the phase's {@link Phase#cleanUp}.
 * "Changed" is defined here only: a planned change that was applied.
 */
public final class PhaseRunner {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    /** Opens a fresh connection to a node, for changes that must prove oth can still get in. */
    @FunctionalInterface
    public interface Reconnector {
        HostConnection open(Node node) throws RemoteException;
    }

    private final Site site;
    private final Fleet fleet;
    private final boolean check;
    private final Journal journal;
    private final Reconnector reconnector;
    private final PrintWriter log;
    private final int concurrency;
    private final boolean verbose;
    private final List<String> unpackRoots;
    private final DebugLog debugLog;
    private final Progress progress;
    private final CrashPoint crash = CrashPoint.fromEnvironment();
    private ProbesAhead ahead = ProbesAhead.NONE;
    private Set<String> releaseWhenDone = Set.of();

    public PhaseRunner(Site site, Fleet fleet, boolean check, Journal journal, Reconnector reconnector, PrintWriter log, int concurrency) {
        this(site, fleet, check, journal, reconnector, log, concurrency, false, List.of(), DebugLog.NONE, Progress.NONE);
    }

    private PhaseRunner(Site site, Fleet fleet, boolean check, Journal journal, Reconnector reconnector, PrintWriter log, int concurrency,
                        boolean verbose, List<String> unpackRoots, DebugLog debugLog, Progress progress) {
        this.site = site;
        this.fleet = fleet;
        this.check = check;
        this.journal = journal;
        this.reconnector = reconnector;
        this.log = log;
        this.concurrency = concurrency;
        this.verbose = verbose;
        this.unpackRoots = List.copyOf(unpackRoots);
        this.debugLog = debugLog;
        this.progress = progress;
    }

    /** This runner, also saying for every operation that plans nothing why it is a no-op. */
    public PhaseRunner verbose(boolean verbose) {
        return new PhaseRunner(site, fleet, check, journal, reconnector, log, concurrency, verbose, unpackRoots, debugLog, progress);
    }

    /**
     * This runner, also removing at the start of a run the unpack directories other runs left
     * directly in {@code roots}: a run holds the nodes' locks, so any there now is a killed run's.
     */
    public PhaseRunner unpackRoots(List<String> roots) {
        return new PhaseRunner(site, fleet, check, journal, reconnector, log, concurrency, verbose, roots, debugLog, progress);
    }

    /** This runner, also writing each phase's start and end on each node, with its time, to {@code debugLog}. */
    public PhaseRunner debugLog(DebugLog debugLog) {
        return new PhaseRunner(site, fleet, check, journal, reconnector, log, concurrency, verbose, unpackRoots, debugLog, progress);
    }

    /**
     * Probes planned ahead ({@link ProbesAhead}), asked in the session that took each node's lock:
     * a node whose facts are the ones they were planned from needs no probe round of its own.
     */
    public PhaseRunner ahead(ProbesAhead ahead) {
        this.ahead = ahead;
        return this;
    }

    /**
     * Nodes that the caller has nothing left to do on after this run: each gives its lock back
     * ({@link Fleet#doneWith}) as soon as its own phases have ended, beside the slower nodes' phases
     * rather than after them. A plan (--check) gives nothing back early.
     */
    public PhaseRunner releasing(Collection<String> nodes) {
        this.releaseWhenDone = Set.copyOf(nodes);
        return this;
    }

    /** This runner, also saying to {@code progress} which phase each node runs, its step and what it waits for. */
    public PhaseRunner progress(Progress progress) {
        return new PhaseRunner(site, fleet, check, journal, reconnector, log, concurrency, verbose, unpackRoots, debugLog, progress);
    }

    public RunReport run(List<Phase> phases) {
        Map<String, List<String>> needs = needs(phases);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, RunReport.HostOutcome> outcomes = new ConcurrentHashMap<>();
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (Fleet.Reach reach : fleet.reaches()) {
            String name = reach.node().name();
            outcomes.put(name, RunReport.HostOutcome.empty(name));
            reach.host().ifPresent(h -> hosts.put(name, h));
            reach.failure().ifPresent(f -> {
                outcomes.put(name, outcomes.get(name).failed(f.getMessage(), f.failure()));
                say(name, "unreachable: " + f.getMessage());
            });
        }
        if (!check) {
            Journal.Review review = journal.review();
            review.damaged().forEach(d -> log.printf("%s%n", d));
            review.interrupted().ifPresent(i -> log.printf("resuming after an interrupted run (%s, started %s, %d host phase(s) had finished); "
                    + "every phase is checked again against the nodes%n", i.run(), i.started().map(Object::toString).orElse("at a time lost with its "
                    + "damaged first line"), i.finished()));
            journal.start(run, "apply");
        }
        Map<String, HostFacts> facts = new ConcurrentHashMap<>();
        Map<String, String> said = new ConcurrentHashMap<>();
        List<RunReport.PhaseTime> times = new CopyOnWriteArrayList<>();
        Parallel.map(List.copyOf(hosts.keySet()), concurrency, name -> {
            try (Progress.Activity reading = progress.start(name, "facts")) {
                reading.step("reading the node's facts");
                // Read with the node's lock when the run took it with this script (one round trip for both).
                Optional<String> early = fleet.saidWithLock(name);
                HostFacts f = early.isPresent() ? HostFacts.parse(name, Probe.parse(early.get()))
                        : HostFacts.read(hosts.get(name), PROBE_TIMEOUT, !check, unpackRoots);
                if (early.isPresent()) {
                    said.put(name, early.get());
                    ahead.remember(name, f);
                }
                f.leftovers().forEach(file -> say(name, (check ? "would remove " : "removed ") + "a temporary file of an earlier, killed run: " + file));
                facts.put(name, f);
            } catch (RemoteException e) {
                outcomes.compute(name, (k, o) -> o.failed(e.getMessage(), e.failure()));
                say(name, "failed reading facts: " + e.getMessage());
            }
            return null;
        });
        // Each node goes through the phases at its own pace: a phase's operations need nothing from
        // other nodes (every input comes from the operator's side), so no node waits for the slowest.
        List<Fleet.Reach> ready = fleet.reaches().stream()
                .filter(r -> hosts.containsKey(r.node().name()) && facts.containsKey(r.node().name())).toList();
        // The node that is the bastion sees oth come from this side, the others from it: not a disagreement.
        Map<String, HostFacts> throughTheBastion = new HashMap<>(facts);
        fleet.reaches().stream().map(Fleet.Reach::node).filter(fleet::isBastion).forEach(n -> throughTheBastion.remove(n.name()));
        HostFacts.disagreeing(throughTheBastion).forEach((name, why) -> say(name, "WARNING: " + why));
        Parallel.map(ready, concurrency, reach -> {
            String name = reach.node().name();
            runNode(run, phases, needs, new Target(site, reach.node(), facts.get(name)), hosts.get(name), Optional.ofNullable(said.get(name)),
                    outcomes, times);
            if (!check && releaseWhenDone.contains(name)) {
                fleet.doneWith(List.of(name));
            }
            return null;
        });
        RunReport report = new RunReport(check, fleet.reaches().stream().map(r -> outcomes.get(r.node().name())).toList(),
                fleet.sessionsOpened(), fleet.connectionsOpened(), List.copyOf(times));
        if (!check) {
            journal.end(run, report.failed() ? "failed" : "ok");
        }
        return report;
    }

    /**
     * What each phase needs among {@code phases}: a need of a phase not in this run (a run of some
     * phases only, as in tests) is met. Phases that need each other are a mistake of the caller.
     */
    private static Map<String, List<String>> needs(List<Phase> phases) {
        List<String> names = phases.stream().map(Phase::name).toList();
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("phases with the same name: " + names);
        }
        Map<String, List<String>> needs = new LinkedHashMap<>();
        PhaseOrder.needs(names, phases.stream().map(Phase::needs).toList())
                .forEach((phase, needed) -> needs.put(phase, needed.stream().filter(names::contains).toList()));
        PhaseOrder.cycle(needs).ifPresent(cycle -> {
            throw new IllegalArgumentException("phases that need each other: " + String.join(" needs ", cycle));
        });
        return needs;
    }

    /**
     * One node: every phase's probes in one round, then each phase as soon as what it needs has
     * finished there, side by side with the others that are ready. Once a phase fails, nothing new
     * starts on the node; the phases already running finish.
     */
    private void runNode(String run, List<Phase> phases, Map<String, List<String>> needs, Target target, Host host, Optional<String> said,
                         Map<String, RunReport.HostOutcome> outcomes, List<RunReport.PhaseTime> times) {
        String name = target.node().name();
        Optional<ProbesAhead.Planned> early = said.isPresent() ? ahead.confirmed(name, target.facts()) : Optional.empty();
        long planning = System.nanoTime();
        Map<Phase, List<Operation>> planned = early.isPresent() ? early.get().operations() : plan(phases, target);
        debugLog.debug("[" + name + "] " + (early.isPresent() ? "phases planned ahead, from the facts of the last run (the same)"
                : "phases planned in " + Duration.ofNanos(System.nanoTime() - planning).toMillis() + " ms"));
        Map<String, Map<String, Probe.Answer>> gathered;
        try (Progress.Activity reading = progress.start(name, "facts")) {
            reading.step("reading what every phase needs to know");
            // Probes planned ahead from the same facts were answered in the lock's session; a node that left
            // some out is asked again, in a session of their own, and refused there if it leaves them out again.
            Optional<Map<String, Map<String, Probe.Answer>>> answered = early.flatMap(p -> answeredAhead(name, said.get(), p.probes()));
            gathered = answered.isPresent() ? answered.get() : gather(planned, host, check);
        } catch (RemoteException e) {
            outcomes.compute(name, (k, o) -> o.failed(e.getMessage(), e.failure()));
            say(name, "failed reading the phases' facts: " + e.getMessage());
            say(name, "  hint: " + e.failure().hint());
            return;
        }
        // The answers gathered up front hold until this run changes something on the node (the
        // packages phase installs what the database phase then reads); after that, each phase
        // reads its facts again before it plans.
        AtomicBoolean touched = new AtomicBoolean();
        NodeOutput output = new NodeOutput(text -> say(name, text));
        List<Phase> waiting = new ArrayList<>(phases);
        Set<String> finished = new HashSet<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "oth-phase");
            t.setDaemon(true);
            return t;
        });
        CompletionService<Optional<String>> running = new ExecutorCompletionService<>(pool);
        // A plan changes nothing, so its phases gain nothing from running side by side; one at a
        // time, in the order listed, --check prints the same plan every time.
        int width = check ? 1 : phases.size();
        int busy = 0;
        try {
            while (true) {
                for (boolean more = !outcomes.get(name).isFailed(); more; ) {
                    more = false;
                    for (Iterator<Phase> it = waiting.iterator(); it.hasNext() && busy < width; ) {
                        Phase phase = it.next();
                        if (!finished.containsAll(needs.get(phase.name()))) {
                            continue;
                        }
                        it.remove();
                        if (!planned.containsKey(phase)) {
                            finished.add(phase.name());
                            more = true;
                            continue;
                        }
                        NodeOutput.Channel out = output.open();
                        Map<String, Probe.Answer> upFront = gathered.getOrDefault(phase.name(), Map.of());
                        running.submit(() -> runPhase(run, phase, planned.get(phase), upFront, touched, target, host, out, outcomes, times)
                                ? Optional.of(phase.name()) : Optional.empty());
                        busy++;
                    }
                }
                if (busy == 0) {
                    return;
                }
                running.take().get().ifPresent(finished::add);
                busy--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One phase on one node, start to end; false when it failed there (and said so). */
    private boolean runPhase(String run, Phase phase, List<Operation> ops, Map<String, Probe.Answer> gathered, AtomicBoolean touched,
                             Target target, Host host, NodeOutput.Channel out, Map<String, RunReport.HostOutcome> outcomes,
                             List<RunReport.PhaseTime> times) {
        String name = target.node().name();
        long start = System.nanoTime();
        String outcome = "failed";
        debugLog.debug("[" + name + "] phase " + phase.name() + ": start");
        Progress.Activity activity = progress.start(name, phase.name());
        try {
            crash.before(phase.name());
            Optional<Map<String, Probe.Answer>> upFront = touched.get() ? Optional.empty() : Optional.of(gathered);
            int changed = runOn(phase, ops, upFront, target, ReportedHost.of(host, activity), touched, out, outcomes, activity);
            if (!check) {
                journal.done(run, name, phase.name(), changed);
                crash.after(phase.name());
            }
            outcome = changed + " change(s)" + (check ? " planned" : "");
            return true;
        } catch (RemoteException e) {
            outcomes.compute(name, (k, o) -> o.failed(phase.name() + ": " + e.getMessage(), e.failure()));
            out.accept("FAILED in " + phase.name() + ": " + e.getMessage());
            out.accept("  hint: " + e.failure().hint());
            return false;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            activity.close();
            times.add(new RunReport.PhaseTime(phase.name(), name, took));
            debugLog.debug("[" + name + "] phase " + phase.name() + ": end, " + outcome + " in " + took.toMillis() + " ms");
            out.finish();
        }
    }

    /**
     * The probes of every phase of a node in one session, side by side (the script takes as long as
     * the slowest: on a first install some wait for what is not there yet), each phase's under its
     * own scope; the answers by phase name.
     */
    private static Map<String, Map<String, Probe.Answer>> gather(Map<Phase, List<Operation>> planned, Host host, boolean check) throws RemoteException {
        List<Probe> probes = probes(planned);
        if (probes.isEmpty()) {
            return Map.of();
        }
        String script = Probe.concurrentScript(probes, check ? Optional.empty() : Optional.of(Probe.SUMS));
        return Probe.byScope(Probe.parseAll(host.name(), Probe.ran(host.name(), host.run(Command.shell(script), PROBE_TIMEOUT)).stdout(), probes));
    }

    /** The operations of every phase of {@code phases} that applies to {@code target}'s node, by phase, in their order. */
    static Map<Phase, List<Operation>> plan(List<Phase> phases, Target target) {
        Map<Phase, List<Operation>> planned = new LinkedHashMap<>();
        phases.stream().filter(p -> p.appliesTo(target)).forEach(p -> planned.put(p, p.operations(target)));
        return planned;
    }

    /** Every probe of {@code planned}, each phase's under its own scope: what {@link #gather} asks. */
    static List<Probe> probes(Map<Phase, List<Operation>> planned) {
        return Probe.distinct(planned.entrySet().stream().flatMap(e -> e.getValue().stream()
                .flatMap(o -> o.probes().stream()).map(p -> p.scoped(e.getKey().name()))).toList());
    }

    /** The answers by phase to {@code probes} in what the node said with its lock, when every one is there. */
    private static Optional<Map<String, Map<String, Probe.Answer>>> answeredAhead(String node, String said, List<Probe> probes) {
        try {
            return Optional.of(Probe.byScope(Probe.parseAll(node, said, probes)));
        } catch (RemoteException e) {
            return Optional.empty();
        }
    }

    /** The answers of one phase's probes, read now in their own session. */
    private static Map<String, Probe.Answer> probe(List<Operation> ops, Host host) throws RemoteException {
        List<Probe> probes = Probe.distinct(ops.stream().flatMap(o -> o.probes().stream()).toList());
        if (probes.isEmpty()) {
            return Map.of();
        }
        CommandResult r = host.run(Command.shell(Probe.script(probes)), PROBE_TIMEOUT);
        return Probe.parseAll(host.name(), r.stdout(), probes);
    }

    /**
     * What the operations of a phase read through a service's own API rather than a probe (MinIO's
     * and RabbitMQ's accounts), side by side: each read is its own SSH forward and only reads.
     */
    private static Map<String, Probe.Answer> readLive(List<Operation> ops, Host host, Map<String, Probe.Answer> probed) throws RemoteException {
        List<Operation> live = ops.stream().filter(PhaseRunner::readsLive).toList();
        Map<String, Probe.Answer> answers = new HashMap<>();
        for (Object read : Parallel.map(live, live.size(), op -> {
            try {
                return op.read(host, probed);
            } catch (RemoteException e) {
                return e;
            }
        })) {
            if (read instanceof RemoteException e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            Map<String, Probe.Answer> these = (Map<String, Probe.Answer>) read;
            answers.putAll(these);
        }
        return answers;
    }

    /** Whether {@code op} has a {@link Operation#read} of its own (the default reads nothing): no thread for the others. */
    private static boolean readsLive(Operation op) {
        try {
            return op.getClass().getMethod("read", Host.class, Map.class).getDeclaringClass() != Operation.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /**
     * Plans one phase on one node and, in apply mode, applies the plan; the phase's probes are
     * answered by {@code upFront} when given, else read again now. Answers the number of changes.
     */
    private int runOn(Phase phase, List<Operation> ops, Optional<Map<String, Probe.Answer>> upFront, Target target, Host host,
                      AtomicBoolean touched, Consumer<String> out, Map<String, RunReport.HostOutcome> outcomes, Progress.Activity activity)
            throws RemoteException {
        String name = target.node().name();
        activity.step(upFront.isPresent() ? "planning" : "reading its facts again");
        Map<String, Probe.Answer> answers = new HashMap<>(upFront.isPresent() ? upFront.get() : probe(ops, host));
        answers.putAll(readLive(ops, host, Map.copyOf(answers)));
        Set<String> notified = new HashSet<>();
        List<Change> plan = new ArrayList<>();
        List<String> noOps = new ArrayList<>();
        for (Operation op : ops) {
            Optional<Change> change = op.plan(answers, notified);
            change.ifPresent(c -> {
                plan.add(c);
                notified.addAll(c.notifies());
            });
            if (change.isEmpty()) {
                outcomes.compute(name, (k, o) -> o.oneMoreOk());
                noOps.add("ok: " + op.subject() + ": " + op.noChange(answers, notified));
            }
        }
        List<String> warnings = ops.stream().flatMap(op -> op.warnings(answers).stream()).toList();
        if (!plan.isEmpty() || !warnings.isEmpty() || (verbose && !noOps.isEmpty())) {
            out.accept("== " + phase.title());
        }
        warnings.forEach(w -> {
            out.accept("warning: " + w);
            outcomes.compute(name, (k, o) -> o.warned(w));
        });
        if (verbose) {
            noOps.forEach(out);
        }
        ApplyContext context = context(target.node(), host, out);
        Rollback rollback = new Rollback();
        if (!check && !plan.isEmpty()) {
            phase.cleanUp(target).ifPresent(c -> rollback.push(c.summary(), () -> c.apply(context)));
        }
        for (int i = 0; i < plan.size(); ) {
            // A run of uploads goes to the node in one round trip; anything else is one change at a time.
            int end = i + 1;
            while (!check && plan.get(i) instanceof Change.Uploading && end < plan.size() && plan.get(end) instanceof Change.Uploading) {
                end++;
            }
            List<Change> batch = plan.subList(i, end);
            for (Change c : batch) {
                activity.step((check ? "would " : "") + c.summary());
                out.accept((check ? "would " : "") + c.summary());
                if (check && !c.detail().isEmpty()) {
                    out.accept(c.detail());
                }
            }
            if (!check) {
                touched.set(true);
                try {
                    apply(batch, context);
                } catch (RemoteException e) {
                    int landed = e instanceof Upload.Failed f && batch.size() > 1 ? f.landed() : 0;
                    batch.subList(0, landed).forEach(c -> outcomes.compute(name, (k, o) -> o.changed(c.summary())));
                    rollback.unwind().forEach(undone -> out.accept("clean-up after the failure: " + undone));
                    throw e;
                }
                for (Change c : batch) {
                    c.undo().ifPresent(u -> rollback.push(u.summary(), () -> u.apply(context)));
                }
                crash.mid(phase.name());
            }
            batch.forEach(c -> outcomes.compute(name, (k, o) -> o.changed(c.summary())));
            i = end;
        }
        return plan.size();
    }

    /**
     * Applies one change, or a run of uploads ({@link Change.Uploading}) in one round trip; when that
     * fails, {@link Upload.Failed#landed()} counts the changes whose files all landed.
     */
    private static void apply(List<Change> batch, ApplyContext context) throws RemoteException {
        if (batch.size() == 1) {
            batch.get(0).apply(context);
            return;
        }
        List<Upload> files = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (Change c : batch) {
            files.addAll(((Change.Uploading) c).uploads(context.host().name()));
            ends.add(files.size());
        }
        try {
            context.host().upload(files);
        } catch (Upload.Failed e) {
            throw new Upload.Failed(e, (int) ends.stream().filter(end -> end <= e.landed()).count());
        }
    }

    private ApplyContext context(Node node, Host host, Consumer<String> logger) {
        return new ApplyContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public HostConnection reconnect() throws RemoteException {
                return reconnector.open(node);
            }

            @Override
            public Consumer<String> log() {
                return logger;
            }
        };
    }

    private void say(String host, String text) {
        synchronized (log) {
            for (String line : text.split("\n", -1)) {
                log.printf("[%s] %s%n", host, line);
            }
            log.flush();
        }
    }
}
