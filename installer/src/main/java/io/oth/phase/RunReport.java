package io.oth.phase;

import io.oth.remote.Failure;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a run went, per host, and what it cost in SSH sessions. */
public record RunReport(boolean check, List<HostOutcome> hosts, int sessions, int connections) {

    public boolean failed() {
        return hosts.stream().anyMatch(HostOutcome::isFailed);
    }

    public int changes() {
        return hosts.stream().mapToInt(h -> h.changes().size()).sum();
    }

    /** This report, with {@code host} failed for a reason found after the phases. */
    public RunReport withFailure(String host, String why, Failure kind) {
        return new RunReport(check, hosts.stream().map(h -> h.host().equals(host) ? h.failed(why, kind) : h).toList(), sessions, connections);
    }

    /** One host: operations already right, changes made (or planned, in check mode), and the failure if any. */
    public record HostOutcome(String host, int ok, List<String> changes, Optional<String> failure, Optional<Failure> kind) {
        static HostOutcome empty(String host) {
            return new HostOutcome(host, 0, List.of(), Optional.empty(), Optional.empty());
        }

        HostOutcome oneMoreOk() {
            return new HostOutcome(host, ok + 1, changes, failure, kind);
        }

        HostOutcome changed(String summary) {
            List<String> more = new ArrayList<>(changes);
            more.add(summary);
            return new HostOutcome(host, ok, List.copyOf(more), failure, kind);
        }

        HostOutcome failed(String why, Failure what) {
            return new HostOutcome(host, ok, changes, Optional.of(why), Optional.of(what));
        }

        public boolean isFailed() {
            return failure.isPresent();
        }
    }
}
