package io.oth.phase;

import io.oth.remote.Failure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a run went, per host, what it cost in SSH sessions, and how long each phase took on each host ({@code times}, in the order they ended). */
public record RunReport(boolean check, List<HostOutcome> hosts, int sessions, int connections, List<PhaseTime> times) {

    /** A report of work that is not timed by phase (a plan of an upgrade, of support access). */
    public RunReport(boolean check, List<HostOutcome> hosts, int sessions, int connections) {
        this(check, hosts, sessions, connections, List.of());
    }

    /** How long {@code phase} took on {@code host}. */
    public record PhaseTime(String phase, String host, Duration took) {
    }

    /** Each phase once, in the order it first ended, with its slowest host's time: what made the run as long as it was. */
    public List<PhaseTime> slowest() {
        Map<String, PhaseTime> slowest = new LinkedHashMap<>();
        times.forEach(t -> slowest.merge(t.phase(), t, (a, b) -> b.took().compareTo(a.took()) > 0 ? b : a));
        return List.copyOf(slowest.values());
    }

    /** This report, with {@code time} (a step after the phases) added. */
    public RunReport timed(PhaseTime time) {
        List<PhaseTime> more = new ArrayList<>(times);
        more.add(time);
        return new RunReport(check, hosts, sessions, connections, List.copyOf(more));
    }

    public boolean failed() {
        return hosts.stream().anyMatch(HostOutcome::isFailed);
    }

    public int changes() {
        return hosts.stream().mapToInt(h -> h.changes().size()).sum();
    }

    public int warnings() {
        return hosts.stream().mapToInt(h -> h.warnings().size()).sum();
    }

    /** This report, with {@code host} failed for a reason found after the phases. */
    public RunReport withFailure(String host, String why, Failure kind) {
        return new RunReport(check, hosts.stream().map(h -> h.host().equals(host) ? h.failed(why, kind) : h).toList(), sessions, connections, times);
    }

    /** One host: operations already right, changes made (or planned, in check mode), and the failure if any. */
    public record HostOutcome(String host, int ok, List<String> changes, Optional<String> failure, Optional<Failure> kind, List<String> warnings) {
        public HostOutcome(String host, int ok, List<String> changes, Optional<String> failure, Optional<Failure> kind) {
            this(host, ok, changes, failure, kind, List.of());
        }

        static HostOutcome empty(String host) {
            return new HostOutcome(host, 0, List.of(), Optional.empty(), Optional.empty());
        }

        HostOutcome oneMoreOk() {
            return new HostOutcome(host, ok + 1, changes, failure, kind, warnings);
        }

        HostOutcome changed(String summary) {
            List<String> more = new ArrayList<>(changes);
            more.add(summary);
            return new HostOutcome(host, ok, List.copyOf(more), failure, kind, warnings);
        }

        HostOutcome failed(String why, Failure what) {
            return new HostOutcome(host, ok, changes, Optional.of(why), Optional.of(what), warnings);
        }

        HostOutcome warned(String warning) {
            List<String> more = new ArrayList<>(warnings);
            more.add(warning);
            return new HostOutcome(host, ok, changes, failure, kind, List.copyOf(more));
        }

        public boolean isFailed() {
            return failure.isPresent();
        }
    }
}
