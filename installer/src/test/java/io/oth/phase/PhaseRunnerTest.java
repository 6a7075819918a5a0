package io.oth.phase;

import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.progress.StatusBoard;
import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.RecordingFleet;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The phase runner against recording hosts: what a user sees of ordering, concurrency, failures, the journal and --check. */
class PhaseRunnerTest {
    @TempDir
    Path dir;
    private Site site;
    private RecordingFleet fleet;
    private Journal journal;
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void site() throws Exception {
        site = SiteLoader.load(SiteFixtures.stage("good/minimal.yml", dir));
        fleet = new RecordingFleet(site);
        journal = new Journal(dir.resolve("state/journal"));
    }

    /** A phase for every role that writes one file, {@code /etc/NAME}. */
    private static Phase writes(String name) {
        return phase(name, t -> List.of(FileOp.text("/etc/" + name, name + "\n", "root:root", "0644")));
    }

    private static Phase phase(String name, Function<Target, List<Operation>> ops) {
        return new TestPhase(name, ops, Optional.empty(), Optional.empty());
    }

    /** A phase for every node that needs {@code needs} and applies one change, {@code action}. */
    private static Phase needing(String name, List<String> needs, Change.Action action) {
        return new TestPhase(name, t -> List.of(new Always(name, action)), Optional.empty(), Optional.of(needs));
    }

    /** A phase for every node, with the given operations, clean-up and needs (empty: the phase before it). */
    private record TestPhase(String name, Function<Target, List<Operation>> ops, Optional<Change> cleanUp, Optional<List<String>> needs)
            implements Phase {
        @Override
        public String title() {
            return "Phase " + name;
        }

        @Override
        public boolean appliesTo(Target target) {
            return true;
        }

        @Override
        public List<Operation> operations(Target target) {
            return ops.apply(target);
        }

        @Override
        public Optional<Change> cleanUp(Target target) {
            return cleanUp;
        }
    }

    /** What the run said about one node, in order: the nodes run at the same time, so their lines interleave. */
    private String of(String node) {
        return out.toString().lines().filter(l -> l.startsWith("[" + node + "] ")).collect(Collectors.joining("\n", "", "\n"));
    }

    private RunReport run(boolean check, int concurrency, Phase... phases) {
        return new PhaseRunner(site, fleet, check, journal, fleet::connection, new PrintWriter(out), concurrency).run(List.of(phases));
    }

    @Test
    void eachNodeRunsThePhasesInTheirOrder() {
        RunReport report = run(false, 3, writes("one"), writes("two"), writes("three"));
        assertFalse(report.failed(), out::toString);
        for (String node : List.of("lb", "app1", "storage")) {
            assertEquals(List.of("upload /etc/one root:root 0644", "upload /etc/two root:root 0644", "upload /etc/three root:root 0644"),
                    fleet.host(node).uploads(), node);
        }
        assertEquals(9, report.changes());
        assertTrue(of("app1").contains("[app1] == Phase two\n[app1] create /etc/two (0644 root:root)"), out::toString);
    }

    /** The install's nodes other than the load balancer give their lock back as soon as their own phases end, not after the slowest node's. */
    @Test
    void aNodeReleasedWhenDoneGivesItsLockBackBeforeTheSlowerNodesEnd() throws Exception {
        java.util.concurrent.CountDownLatch storageMayEnd = new java.util.concurrent.CountDownLatch(1);
        Phase slowOnStorage = phase("slow", t -> List.of(new Always("slow", context -> {
            if (t.node().name().equals("storage")) {
                try {
                    assertTrue(storageMayEnd.await(10, TimeUnit.SECONDS), "app1 was not given back while storage still ran");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        })));
        Thread watch = new Thread(() -> {
            while (!fleet.givenBack().contains("app1")) {
                Thread.onSpinWait();
            }
            storageMayEnd.countDown();
        });
        watch.setDaemon(true);
        watch.start();
        RunReport report = new PhaseRunner(site, fleet, false, journal, fleet::connection, new PrintWriter(out), 3)
                .releasing(List.of("app1", "storage")).run(List.of(slowOnStorage));
        assertFalse(report.failed(), out::toString);
        assertEquals(List.of("app1", "storage"), fleet.givenBack(), "the load balancer keeps its lock; each other node gave its back once");

        RecordingFleet planned = new RecordingFleet(site);
        new PhaseRunner(site, planned, true, journal, planned::connection, new PrintWriter(out), 3).releasing(List.of("app1")).run(List.of(writes("one")));
        assertEquals(List.of(), planned.givenBack(), "a plan gives nothing back early");
    }

    @Test
    void nodesRunAtTheSameTimeUpToTheConcurrency() {
        CyclicBarrier all = new CyclicBarrier(3);
        Phase meet = phase("meet", t -> List.of(new Always("meet", context -> {
            try {
                all.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the nodes did not run at the same time", e);
            }
        })));
        RunReport report = run(false, 3, meet);
        assertFalse(report.failed(), out::toString);
        assertEquals(3, report.changes());
    }

    @Test
    void aNodeThatFailsSkipsItsLaterPhasesAndTheOthersGoOn() {
        fleet.host("storage").failWhen("upload /etc/one", "disk full");
        RunReport report = run(false, 3, writes("one"), writes("two"));
        assertTrue(report.failed());
        assertEquals(List.of("upload /etc/one root:root 0644"), fleet.host("storage").uploads(), "storage stops after its failure");
        assertEquals(2, fleet.host("lb").uploads().size());
        assertEquals(2, fleet.host("app1").uploads().size());
        RunReport.HostOutcome storage = report.hosts().get(2);
        assertEquals(Optional.of("one: storage: remote operation failed: disk full"), storage.failure());
        assertTrue(out.toString().contains("[storage] FAILED in one: storage: remote operation failed: disk full"), out::toString);
    }

    @Test
    void aNodeWhoseFactsLeaveAProbeOutIsRefusedBeforeItChangesAnything() {
        fleet.host("storage").silentOn("file:/etc/two");
        RunReport report = run(false, 3, writes("one"), writes("two"));
        assertTrue(report.hosts().get(2).isFailed());
        assertEquals(List.of(), fleet.host("storage").uploads(), "nothing is written from a partial answer");
        assertEquals(2, fleet.host("lb").uploads().size(), "the other nodes go on");
        assertTrue(out.toString().contains("[storage] failed reading the phases' facts: storage: facts: the node's output has no answer for 1 probe(s): two|file:/etc/two"),
                out::toString);
    }

    @Test
    void anUnreachableNodeFailsAloneAndTheOthersAreInstalled() {
        fleet.unreachable("app1", Failure.NODE_UNREACHABLE);
        RunReport report = run(false, 3, writes("one"));
        assertTrue(report.hosts().get(1).isFailed());
        assertEquals(List.of(), fleet.host("app1").log());
        assertEquals(1, fleet.host("lb").uploads().size());
        assertTrue(out.toString().contains("[app1] unreachable: app1: unreachable from the bastion"), out::toString);
    }

    @Test
    void theJournalRecordsEveryHostPhaseAndTheEndOfTheRun() throws Exception {
        run(false, 3, writes("one"), writes("two"));
        List<String> lines = Files.readAllLines(journal.file());
        assertTrue(lines.get(0).contains("\tstart\tapply\t"), lines::toString);
        assertEquals(6, lines.stream().filter(l -> l.contains("\tdone\t")).count(), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\tdone\tstorage\ttwo\t1\t")), lines::toString);
        assertTrue(lines.get(lines.size() - 1).contains("\tend\tok\t"), lines::toString);
        assertEquals(new Journal.Review(Optional.empty(), List.of()), journal.review());
    }

    @Test
    void aRunAfterAnInterruptedOneSaysSoAndRedoesOnlyWhatTheNodesLack() throws Exception {
        journal.start("r0", "apply");
        journal.done("r0", "lb", "one", 1);
        fleet.host("lb").has("/etc/one", "one\n", "root:root", "0644");
        RunReport report = run(false, 3, writes("one"), writes("two"));
        assertFalse(report.failed(), out::toString);
        assertTrue(out.toString().contains("resuming after an interrupted run (r0, started "), out::toString);
        assertTrue(out.toString().contains("1 host phase(s) had finished"), out::toString);
        assertEquals(List.of("upload /etc/two root:root 0644"), fleet.host("lb").uploads(), "lb's finished phase is checked, not redone");
        assertEquals(2, fleet.host("app1").uploads().size());
        assertEquals(Optional.empty(), journal.review().interrupted());
    }

    @Test
    void checkModePlansEverythingAndChangesNothing() {
        fleet.host("lb").has("/etc/one", "old\n", "root:root", "0644");
        RunReport report = run(true, 3, writes("one"), writes("two"));
        assertTrue(report.check());
        assertEquals(6, report.changes());
        for (String node : List.of("lb", "app1", "storage")) {
            assertEquals(List.of(), fleet.host(node).uploads(), node);
            assertEquals(List.of(), fleet.host(node).commands(), node + " ran only probes");
        }
        assertTrue(of("lb").contains("[lb] would write /etc/one (0644 root:root)\n[lb] --- a/etc/one"), out::toString);
        assertFalse(Files.exists(journal.file()), "a plan writes no journal");
    }

    @Test
    void verboseSaysWhyEachNoOpIsOne() {
        run(false, 3, writes("one"));
        out.getBuffer().setLength(0);
        RunReport report = new PhaseRunner(site, fleet, true, journal, fleet::connection, new PrintWriter(out), 3).verbose(true).run(List.of(writes("one")));
        assertEquals(0, report.changes());
        assertTrue(of("lb").contains("[lb] == Phase one\n[lb] ok: file /etc/one: content (sha256 " + FileOp.sha256("one\n".getBytes())
                .substring(0, 12) + "), owner root:root and mode 0644 already as wanted\n"), out::toString);
    }

    @Test
    void withoutVerboseANoOpIsSilent() {
        run(false, 3, writes("one"));
        out.getBuffer().setLength(0);
        run(true, 3, writes("one"));
        assertFalse(out.toString().contains("ok: "), out::toString);
        assertFalse(out.toString().contains("== Phase one"), out::toString);
    }

    @Test
    void aWarningOfAnOperationIsSaidUnderItsPhaseEvenInANoOpAndCounted() {
        Operation warns = new Operation() {
            @Override
            public String subject() {
                return "a thing oth leaves alone";
            }

            @Override
            public List<Probe> probes() {
                return List.of();
            }

            @Override
            public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
                return Optional.empty();
            }

            @Override
            public List<String> warnings(Map<String, Probe.Answer> answers) {
                return List.of("something here drops what oth lets in");
            }
        };
        for (boolean check : new boolean[] {true, false}) {
            out.getBuffer().setLength(0);
            RunReport report = run(check, 3, phase("one", t -> t.node().name().equals("app1") ? List.of(warns) : List.of()));
            assertEquals(0, report.changes());
            assertEquals(1, report.warnings());
            assertEquals(List.of("something here drops what oth lets in"), report.hosts().stream().filter(h -> h.host().equals("app1")).findFirst().orElseThrow()
                    .warnings());
            assertEquals("[app1] == Phase one\n[app1] warning: something here drops what oth lets in\n", of("app1"), out::toString);
            assertFalse(of("lb").contains("Phase one"), out::toString);
        }
    }

    @Test
    void aFailedChangeUndoesTheAppliedOnesNewestFirstThenCleansUp() {
        fleet.host("app1").failWhen("step three", "no space left");
        Phase phase = undoable(Optional.of(Change.of("remove the half-written state", c -> c.host().run(Command.shell("cleanup"),
                Duration.ofSeconds(1)))));
        RunReport report = run(false, 3, phase, writes("later"));
        assertTrue(report.hosts().get(1).isFailed());
        assertEquals(List.of("run step one", "run step two", "run step three", "run undo two", "run undo one", "run cleanup"),
                fleet.host("app1").commands());
        assertTrue(of("app1").contains("[app1] clean-up after the failure: undo step two\n[app1] clean-up after the failure: undo step one\n"
                + "[app1] clean-up after the failure: remove the half-written state\n[app1] FAILED in steps"), out::toString);
        assertEquals(List.of("run step one", "run step two", "run step three"), fleet.host("lb").commands(), "nothing is undone where all went well");
        assertEquals(1, fleet.host("lb").uploads().size());
    }

    /** A phase's consecutive uploads go to the node in one round trip; when one fails, the report counts those before it. */
    @Test
    void aPhasesConsecutiveUploadsGoInOneRoundTrip() {
        Phase phase = phase("files", t -> List.of(FileOp.text("/etc/a", "a\n", "root:root", "0644"), FileOp.text("/etc/b", "b\n", "root:root", "0644"),
                new Always("between", c -> c.host().run(Command.shell("between"), Duration.ofSeconds(1))),
                FileOp.text("/etc/c", "c\n", "root:root", "0644")));
        fleet.host("app1").failWhen("upload /etc/b", "no space left");

        RunReport report = run(false, 3, phase);

        assertEquals(List.of(List.of("/etc/a", "/etc/b"), List.of("/etc/c")), fleet.host("lb").batches());
        assertEquals(List.of("upload /etc/a root:root 0644", "run between", "upload /etc/b root:root 0644", "upload /etc/c root:root 0644")
                .stream().sorted().toList(), fleet.host("lb").log().stream().filter(l -> l.startsWith("upload ") || l.equals("run between"))
                .sorted().toList());
        RunReport.HostOutcome app1 = report.hosts().stream().filter(h -> h.host().equals("app1")).findFirst().orElseThrow();
        assertTrue(app1.isFailed());
        assertEquals(List.of("create /etc/a (0644 root:root)"), app1.changes(), "the file before the failed one landed, and is reported");
        assertTrue(app1.failure().orElseThrow().contains("no space left"), app1::toString);
        assertEquals(List.of(), fleet.host("app1").commands().stream().filter(c -> c.equals("run between")).toList(), "nothing after the failure");
    }

    @Test
    void checkModeUndoesAndCleansUpNothing() {
        RunReport report = run(true, 3, undoable(Optional.of(Change.of("clean", c -> {
            throw new AssertionError("a plan runs no clean-up");
        }))));
        assertFalse(report.failed());
        assertEquals(List.of(), fleet.host("app1").commands());
    }

    @Test
    void aNoOpRunReadsEveryPhaseInOneSessionPerNode() {
        run(false, 3, writes("one"), writes("two"), writes("three"));
        List<String> before = fleet.host("app1").log();
        RunReport report = run(false, 3, writes("one"), writes("two"), writes("three"));
        assertEquals(0, report.changes(), out::toString);
        for (String node : List.of("lb", "app1", "storage")) {
            List<String> calls = fleet.host(node).log();
            List<String> again = calls.subList(before.size(), calls.size());
            assertEquals(2, again.size(), () -> node + ": the facts, then one round of every phase's probes: " + again);
            assertTrue(again.get(1).contains("'one|file:/etc/one'") && again.get(1).contains("'three|file:/etc/three'"), again::toString);
        }
    }

    @Test
    void factsReadWithTheNodesLockCostNoSessionOfTheirOwn() {
        run(false, 3, writes("one"));
        List<String> before = fleet.host("app1").log();
        for (String node : List.of("lb", "app1", "storage")) {
            fleet.saidWithLock(node, section("hostname", node) + section("init", "systemd") + section("source", "10.77.0.10 22")
                    + section("forwarding", "0") + section("leftovers", "/tmp/x.oth-tmp.0123456789ab.AbCdEf"));
        }
        RunReport report = run(false, 3, writes("one"));
        assertEquals(0, report.changes(), out::toString);
        List<String> calls = fleet.host("app1").log();
        List<String> again = calls.subList(before.size(), calls.size());
        assertEquals(1, again.size(), () -> "only the probe round: " + again);
        assertTrue(of("app1").contains("removed a temporary file of an earlier, killed run: \"/tmp/x.oth-tmp.0123456789ab.AbCdEf\""), out::toString);
    }

    /** The node that is the bastion sees oth come from this side, the others from it: only a node the others disagree with is named. */
    @Test
    void theNodeThatIsTheBastionSeesAnotherSourceWithoutAWarning() {
        for (String node : List.of("app1", "storage")) {
            fleet.saidWithLock(node, factsSaid(node, "systemd"));
        }
        fleet.saidWithLock("lb", section("hostname", "lb") + section("init", "systemd") + section("source", "203.0.113.1 22")
                + section("forwarding", "0") + section("leftovers", ""));
        run(true, 3, writes("one"));
        assertTrue(of("lb").contains("WARNING: facts: this node sees oth's SSH come from 203.0.113.1"), out::toString);
        out.getBuffer().setLength(0);
        fleet.bastion("lb");
        run(true, 3, writes("one"));
        assertFalse(out.toString().contains("WARNING"), out::toString);
    }

    private static String section(String key, String output) {
        return "@@oth-probe " + key + "\n" + output + "\n\n@@oth-probe-rc 0\n";
    }

    /** What a node's lock session printed for its facts. */
    private static String factsSaid(String node, String init) {
        return section("hostname", node) + section("init", init) + section("source", "10.77.0.10 22") + section("forwarding", "0")
                + section("leftovers", "");
    }

    /**
     * The lock sessions of a run planned ahead by {@code ahead}: each node answers its facts (its
     * init system {@code init}) and then the probes planned ahead, as the real lock script runs them.
     */
    private void lockSessions(ProbesAhead ahead, String init) throws RemoteException {
        for (String node : List.of("lb", "app1", "storage")) {
            String probes = ahead.script(node);
            String answers = probes.isEmpty() ? "" : fleet.host(node).run(Command.shell(probes), Duration.ofSeconds(5)).stdout();
            fleet.saidWithLock(node, factsSaid(node, init) + answers);
        }
    }

    private FactsCache cacheSaying(String init) throws Exception {
        FactsCache cache = FactsCache.in(dir.resolve("state"));
        for (String node : List.of("lb", "app1", "storage")) {
            cache.keep(node, HostFacts.parse(node, Probe.parse(factsSaid(node, init))));
        }
        return cache;
    }

    @Test
    void probesPlannedAheadFromTheLastRunsFactsNeedNoSessionOfTheirOwn() throws Exception {
        List<Phase> phases = List.of(writes("one"), writes("two"));
        run(false, 3, phases.toArray(Phase[]::new));
        ProbesAhead ahead = new ProbesAhead(site, phases, cacheSaying("systemd"));
        lockSessions(ahead, "systemd");
        int before = fleet.host("app1").log().size();
        RunReport report = new PhaseRunner(site, fleet, false, journal, fleet::connection, new PrintWriter(out), 3).ahead(ahead).run(phases);
        assertEquals(0, report.changes(), out::toString);
        List<String> calls = fleet.host("app1").log();
        assertEquals(List.of(), calls.subList(before, calls.size()), "a no-op: the lock's session answered every probe");
    }

    @Test
    void aNodeWhoseFactsChangedSinceTheLastRunIsPlannedAndProbedAgain() throws Exception {
        List<Phase> phases = List.of(writes("one"), phase("init", t -> List.of(FileOp.text("/etc/init-is", t.facts().init() + "\n", "root:root", "0644"))));
        run(false, 3, phases.toArray(Phase[]::new));
        FactsCache cache = cacheSaying("sysv");
        ProbesAhead ahead = new ProbesAhead(site, phases, cache);
        lockSessions(ahead, "systemd");
        int before = fleet.host("app1").log().size();
        RunReport report = new PhaseRunner(site, fleet, false, journal, fleet::connection, new PrintWriter(out), 3).ahead(ahead).run(phases);
        assertEquals(0, report.changes(), "planned from this run's facts (systemd), as the first run was: " + out);
        List<String> calls = fleet.host("app1").log();
        assertEquals(1, calls.size() - before, () -> "one probe round: " + calls.subList(before, calls.size()));
        assertEquals(io.oth.op.InitSystem.SYSTEMD, cache.last("app1").orElseThrow().init(), "the facts of this run are kept for the next");
    }

    @Test
    void aNodeThatLeftTheProbesPlannedAheadOutIsAskedAgain() throws Exception {
        List<Phase> phases = List.of(writes("one"));
        run(false, 3, phases.toArray(Phase[]::new));
        ProbesAhead ahead = new ProbesAhead(site, phases, cacheSaying("systemd"));
        lockSessions(ahead, "systemd");
        fleet.saidWithLock("app1", factsSaid("app1", "systemd"));
        int before = fleet.host("app1").log().size();
        RunReport report = new PhaseRunner(site, fleet, false, journal, fleet::connection, new PrintWriter(out), 3).ahead(ahead).run(phases);
        assertEquals(0, report.changes(), out::toString);
        assertEquals(0, report.failed() ? 1 : 0, out::toString);
        List<String> calls = fleet.host("app1").log();
        assertEquals(1, calls.size() - before, () -> "the probe round it left out: " + calls.subList(before, calls.size()));
    }

    @Test
    void aPhaseAfterAChangeReadsItsFactsAgain() {
        fleet.host("lb").has("/etc/one", "one\n", "root:root", "0644").has("/etc/three", "three\n", "root:root", "0644");
        RunReport report = run(false, 1, writes("one"), writes("two"), writes("three"));
        assertEquals(List.of("upload /etc/two root:root 0644"), fleet.host("lb").uploads(), out::toString);
        assertEquals(1, report.hosts().get(0).changes().size());
        List<String> probeRounds = fleet.host("lb").log().stream().filter(l -> l.contains("@@oth-probe")).toList();
        assertEquals(3, probeRounds.size(), () -> "facts, all phases, then three again after two changed: " + probeRounds);
        assertTrue(probeRounds.get(2).contains("'file:/etc/three'") && !probeRounds.get(2).contains("/etc/one"), probeRounds::toString);
    }

    @Test
    void aLaterPhasePlansFromWhatAnEarlierOneChanged() {
        // Phase two's probe reads what phase one writes: planned from the answers gathered before
        // phase one ran, it would write the file a second time.
        RunReport report = run(false, 1, writes("same"), phase("again", t -> List.of(FileOp.text("/etc/same", "same\n", "root:root", "0644"))));
        assertEquals(List.of("upload /etc/same root:root 0644"), fleet.host("storage").uploads(), out::toString);
        assertEquals(3, report.changes());
    }

    @Test
    void phasesThatProbeTheSameKeyGetTheirOwnAnswers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        fleet.host("lb").answer("left|same", "from left").answer("right|same", "from right");
        run(true, 1, reads("left", seen), reads("right", seen));
        assertTrue(seen.containsAll(List.of("lb left: from left", "lb right: from right")), seen::toString);
        List<String> rounds = fleet.host("lb").log().stream().filter(l -> l.contains("@@oth-probe")).toList();
        assertEquals(2, rounds.size(), rounds::toString);
    }

    @Test
    void phasesThatNeedOnlyWhatHasFinishedRunSideBySide() {
        Map<String, CyclicBarrier> meet = new ConcurrentHashMap<>();
        Change.Action together = c -> await(meet.computeIfAbsent(c.host().name(), n -> new CyclicBarrier(2)));
        RunReport report = run(false, 3, writes("first"), needing("left", List.of("first"), together), needing("right", List.of("first"), together),
                writes("last"));
        assertFalse(report.failed(), out::toString);
        assertEquals(12, report.changes());
        assertEquals("upload /etc/last root:root 0644", fleet.host("app1").uploads().get(1), "last needs right, as listed after it");
    }

    @Test
    void aPhaseStartsOnlyWhenWhatItNeedsHasFinished() {
        Map<String, List<String>> events = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> go = new ConcurrentHashMap<>();
        Function<String, List<String>> of = n -> events.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>());
        Function<String, CountDownLatch> latch = n -> go.computeIfAbsent(n, k -> new CountDownLatch(1));
        RunReport report = run(false, 3,
                needing("slow", List.of(), c -> {
                    await(latch.apply(c.host().name()));
                    of.apply(c.host().name()).add("slow done");
                }),
                needing("quick", List.of(), c -> {
                    of.apply(c.host().name()).add("quick");
                    latch.apply(c.host().name()).countDown();
                }),
                needing("after", List.of("slow"), c -> of.apply(c.host().name()).add("after")));
        assertFalse(report.failed(), out::toString);
        for (String node : List.of("lb", "app1", "storage")) {
            assertEquals(List.of("quick", "slow done", "after"), events.get(node), node);
        }
    }

    @Test
    void afterAFailureANodeStartsNothingNewAndLetsRunningPhasesFinish() {
        fleet.host("storage").failWhen("step left", "disk full");
        RunReport report = run(false, 3, writes("first"), needing("left", List.of("first"), step("left")),
                needing("right", List.of("first"), c -> {
                    if (c.host().name().equals("storage")) {
                        awaitText("[storage] FAILED in left");
                    }
                    step("right").apply(c);
                }),
                needing("after", List.of("right"), step("after")));
        assertTrue(report.hosts().get(2).failure().orElseThrow().startsWith("left: "), out::toString);
        assertEquals(List.of("run step left", "run step right"), fleet.host("storage").commands(), "right finishes, after never starts");
        assertEquals(Set.of("run step left", "run step right", "run step after"), Set.copyOf(fleet.host("lb").commands()));
        // "after" needs only "right"; "left" runs beside them and may end last on a loaded machine.
        List<String> lb = fleet.host("lb").commands();
        assertTrue(lb.indexOf("run step after") > lb.indexOf("run step right"), "the other nodes go on: " + lb);
        assertFalse(report.hosts().get(0).isFailed());
    }

    @Test
    void theLinesOfPhasesRunningSideBySideAreNotInterleaved() {
        Map<String, CountDownLatch> leftSaid = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> rightSaid = new ConcurrentHashMap<>();
        Function<String, CountDownLatch> left = n -> leftSaid.computeIfAbsent(n, k -> new CountDownLatch(1));
        Function<String, CountDownLatch> right = n -> rightSaid.computeIfAbsent(n, k -> new CountDownLatch(1));
        RunReport report = run(false, 3,
                needing("left", List.of(), c -> {
                    c.log().accept("left a");
                    left.apply(c.host().name()).countDown();
                    await(right.apply(c.host().name()));
                    c.log().accept("left b");
                }),
                needing("right", List.of(), c -> {
                    await(left.apply(c.host().name()));
                    c.log().accept("right a");
                    right.apply(c.host().name()).countDown();
                    c.log().accept("right b");
                }));
        assertFalse(report.failed(), out::toString);
        for (String n : List.of("lb", "app1", "storage")) {
            assertEquals(String.join("\n", "[N] == Phase left", "[N] left", "[N] left a", "[N] left b", "[N] == Phase right", "[N] right",
                    "[N] right a", "[N] right b", "").replace("N", n), of(n), out::toString);
        }
    }

    @Test
    void phasesThatNeedEachOtherAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> run(false, 3, needing("a", List.of("b"), c -> { }), needing("b", List.of("a"), c -> { })));
        assertEquals("phases that need each other: a needs b needs a", e.getMessage());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the phases did not run at the same time", e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited 10 s in vain: the phases did not run at the same time");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitText(String text) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.toString().contains(text)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("never said: " + text);
            }
            Thread.onSpinWait();
        }
    }

    /** A phase whose one operation probes the key {@code same} and notes what it was answered; it plans nothing. */
    private static Phase reads(String name, List<String> seen) {
        return phase(name, t -> List.of(new Operation() {
            @Override
            public String subject() {
                return "reads same";
            }

            @Override
            public List<Probe> probes() {
                return List.of(new Probe("same", "echo " + name));
            }

            @Override
            public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
                seen.add(t.node().name() + " " + name + ": " + answers.get("same").output());
                return Optional.empty();
            }
        }));
    }

    /** Three commands, each with an undo command, and the given clean-up. */
    private static Phase undoable(Optional<Change> cleanUp) {
        return new TestPhase("steps", t -> List.of(new Always("step one", step("one")), new Always("step two", step("two")),
                new Always("step three", step("three"))), cleanUp, Optional.empty());
    }

    private static Change.Action step(String name) {
        return c -> {
            CommandResult r = c.host().run(Command.shell("step " + name), Duration.ofSeconds(1));
            if (!r.ok()) {
                throw new RemoteException(c.host().name(), Failure.COMMAND_FAILED, r.diagnostic());
            }
        };
    }

    /** An operation that always plans one change; one made with an action that runs {@code step X} is undone by {@code undo X}. */
    @Test
    void aPhaseThatWaitsSaysWhatForAndHowLongInItsNodesStatusLine() {
        AtomicLong now = new AtomicLong();
        StatusBoard board = new StatusBoard("oth install", "starting", now::get);
        List<String> seen = new CopyOnWriteArrayList<>();
        Phase objects = phase("objects", t -> t.node().name().equals("storage") ? List.of(new Always("start minio", context -> {
            try (Waiting waiting = context.host().waitingFor("MinIO on 10.77.0.5:9000 to answer")) {
                now.addAndGet(Duration.ofSeconds(12).toNanos());
                board.lines(10, false).forEach(l -> seen.add(l.toString()));
            }
        })) : List.of());
        RunReport report = new PhaseRunner(site, fleet, false, journal, fleet::connection, new PrintWriter(out), 3).progress(board)
                .run(List.of(objects));

        assertFalse(report.failed(), out::toString);
        assertTrue(seen.contains("  storage  objects 12 s  waiting for MinIO on 10.77.0.5:9000 to answer, 12 s"), seen::toString);
        assertEquals(List.of("oth install 12 s"), board.lines(10, false).stream().map(Object::toString).toList(),
                "a node's line goes once its phase has ended");
        assertFalse(out.toString().contains("waiting for"), "the wait is no line of the run's output\n" + out);
    }

    @Test
    void eachPhaseIsTimedOnEachNodeAndTheSlowestNodeNamesThePhasesTime() {
        Phase slow = phase("slow", t -> List.of(new Always("slow on " + t.node().name(), context -> {
            if (context.host().name().equals("app1")) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        })));
        RunReport report = run(false, 3, writes("one"), slow);

        assertEquals(6, report.times().size(), report.times()::toString);
        assertEquals(Set.of("lb", "app1", "storage"), report.times().stream().filter(t -> t.phase().equals("one"))
                .map(RunReport.PhaseTime::host).collect(Collectors.toSet()));
        assertEquals(List.of("one", "slow"), report.slowest().stream().map(RunReport.PhaseTime::phase).toList());
        RunReport.PhaseTime slowest = report.slowest().get(1);
        assertEquals("app1", slowest.host());
        assertTrue(slowest.took().toMillis() >= 300, slowest::toString);
    }

    private record Always(String subject, Change.Action action) implements Operation {
        @Override
        public List<Probe> probes() {
            return List.of();
        }

        @Override
        public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
            Change change = Change.of(subject, action);
            if (!subject.startsWith("step ")) {
                return Optional.of(change);
            }
            String undo = "undo " + subject.substring("step ".length());
            return Optional.of(new Change() {
                @Override
                public String summary() {
                    return change.summary();
                }

                @Override
                public void apply(ApplyContext context) throws RemoteException {
                    change.apply(context);
                }

                @Override
                public Optional<Change> undo() {
                    return Optional.of(Change.of("undo " + subject, c -> c.host().run(Command.shell(undo), Duration.ofSeconds(1))));
                }
            });
        }
    }
}
