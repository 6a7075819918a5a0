package io.oth.phase;

import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every phase's probes of each node, planned from the facts the node gave the site's last run
 * ({@link FactsCache}), so that the session that takes the node's lock asks them too: a run whose
 * nodes have nothing to change costs each node one round trip before its lock goes back. The
 * answers are used only when the node's facts of this run are the ones the probes were planned from
 * ({@link #confirmed}); otherwise the node's phases are planned and probed again, as without them.
 */
public final class ProbesAhead {
    /** No plans ahead: every node's phases are probed in a session of their own. */
    public static final ProbesAhead NONE = new ProbesAhead(null, List.of(), FactsCache.NONE);

    /** A node's phases planned ahead: the facts they were planned from, their operations and every probe of those. */
    record Planned(HostFacts assumed, Map<Phase, List<Operation>> operations, List<Probe> probes) {
    }

    private final Site site;
    private final List<Phase> phases;
    private final FactsCache cache;
    private final Map<String, Optional<Planned>> planned = new ConcurrentHashMap<>();

    /** Plans ahead {@code phases} (the very ones the run then runs) on the nodes of {@code site} that {@code cache} has facts of. */
    public ProbesAhead(Site site, List<Phase> phases, FactsCache cache) {
        this.site = site;
        this.phases = List.copyOf(phases);
        this.cache = cache;
    }

    /** The script that asks {@code node}'s probes planned ahead, or "" when there are none (a run that changes the nodes: it keeps file sums). */
    public String script(String node) {
        return plan(node).filter(p -> !p.probes().isEmpty()).map(p -> Probe.concurrentScript(p.probes(), Optional.of(Probe.SUMS))).orElse("");
    }

    /** The plan ahead for {@code node} when this run's {@code facts} are the ones it was made from. */
    Optional<Planned> confirmed(String node, HostFacts facts) {
        return planned.getOrDefault(node, Optional.empty()).filter(p -> p.assumed().plansLike(facts));
    }

    /** Keeps {@code facts}, read this run with the node's lock, for the next run's plan ahead. */
    void remember(String node, HostFacts facts) {
        cache.keep(node, facts);
    }

    private Optional<Planned> plan(String node) {
        Optional<Planned> known = planned.get(node);
        if (known != null) {
            return known;
        }
        Optional<Planned> plan = Optional.empty();
        Optional<Node> target = site == null ? Optional.empty() : site.node(node);
        Optional<HostFacts> last = target.isPresent() ? cache.last(node) : Optional.empty();
        if (last.isPresent()) {
            try {
                Map<Phase, List<Operation>> operations = PhaseRunner.plan(phases, new Target(site, target.get(), last.get()));
                plan = Optional.of(new Planned(last.get(), operations, PhaseRunner.probes(operations)));
            } catch (RuntimeException e) {
                // No plan ahead: the run plans this node again once it has its facts, and fails there as it would have.
            }
        }
        planned.put(node, plan);
        return plan;
    }
}
