package io.oth.report;

import io.oth.support.SupportAccess;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code oth support status --json}: the data of schema {@code oth-support-status/1} (docs/schemas/support-status.schema.json). */
public final class SupportJson {
    private SupportJson() {
    }

    /** {@code access}: {@code open}, {@code closed}, or {@code left over} (ended, but something stayed: oth support close removes it). */
    public record Status(String access, List<NodeRow> nodes) {
    }

    /**
     * One node at {@code now}: {@code state} as the table says it, {@code until} and {@code secondsLeft} null without a grant
     * (seconds left null too once it ended), {@code firewall} the addresses let in, null on a node without the support entry.
     */
    public record NodeRow(String node, String state, boolean open, String until, Long secondsLeft, int keys, int sessions, List<String> firewall,
                          String problem) {
    }

    public static Status of(List<SupportAccess.NodeStatus> rows, Instant now) {
        List<NodeRow> nodes = rows.stream().map(s -> new NodeRow(s.node(), s.state(now), s.open(now), s.until().map(Instant::toString).orElse(null),
                s.until().filter(u -> u.isAfter(now)).map(u -> Duration.between(now, u).toSeconds()).orElse(null), s.keys(), s.sessions(),
                s.entry() ? s.addresses() : null, s.problem().orElse(null))).toList();
        boolean open = rows.stream().anyMatch(s -> s.open(now));
        boolean unclean = rows.stream().anyMatch(s -> !s.open(now) && !s.state(now).equals("closed"));
        return new Status(open ? "open" : unclean ? "left over" : "closed", nodes);
    }
}
