package io.oth.report;

import io.oth.fact.NodeFacts;
import io.oth.fact.NodeSurvey;
import io.oth.remote.RemoteException;

import java.util.List;
import java.util.Locale;

/** {@code oth nodes --json}: the data of schema {@code oth-nodes/1} (docs/schemas/nodes.schema.json). */
public final class NodesJson {
    private NodesJson() {
    }

    /** Every node's row, and how many answered. */
    public record Nodes(List<NodeRow> nodes, long ok, int total) {
    }

    /**
     * One node as the table shows it, as values: {@code rttMs} and the facts are null when the node did
     * not answer; {@code verdict} is {@code ok} or {@code fail}, and a failure has its kind, cause and hint.
     */
    public record NodeRow(String node, String role, String address, String hostname, String os, boolean sshd, long connectMs,
                          Long rttMs, String verdict, String failure, String cause, String hint) {
    }

    public static Nodes of(List<NodeSurvey.Row> rows) {
        List<NodeRow> nodes = rows.stream().map(r -> {
            RemoteException failure = r.failure().orElse(null);
            return new NodeRow(r.node().name(), r.node().role(), r.node().address(),
                    r.facts().map(NodeFacts::hostname).orElse(null), r.facts().map(NodeFacts::osRelease).orElse(null),
                    r.sshReachable(), r.connect().toMillis(), r.facts().isPresent() ? r.roundTrip().toMillis() : null,
                    failure == null ? "ok" : "fail",
                    failure == null ? null : failure.failure().name().toLowerCase(Locale.ROOT),
                    failure == null ? null : failure.getMessage(),
                    failure == null ? null : failure.failure().hint());
        }).toList();
        return new Nodes(nodes, nodes.stream().filter(n -> n.verdict().equals("ok")).count(), nodes.size());
    }
}
