package io.oth.check;

import io.oth.input.Durations;
import io.oth.op.Probe;
import io.oth.remote.NodeText;
import io.oth.site.Node;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * reach.clock: the node's clock agrees with this machine's (in the preflight too: before an install
 * is when it matters most). A node whose time is not synchronised drifts until TLS (a certificate
 * not yet valid, or expired, on that node's clock) and MinIO's request signatures (15 minutes at
 * most) fail between it and the others, and its logs no longer line up with theirs: the cause of a
 * "does not connect" that nothing else names.
 * <p>
 * The node answers {@code date +%s.%N} in the probe round; the round's own time on this machine
 * ({@link #answeredWithin}) bounds when it answered, so the offset is measured against the
 * round's middle and only what lies beyond half the round counts. What the node says is parsed
 * as a number of seconds and nothing else: it only ever makes this finding.
 */
final class ClockCheck implements NodeCheck {
    static final String ID = "reach.clock";
    static final String TARGET = "system clock";
    /** Beyond this, a node's time is not synchronised: synchronised clocks agree within milliseconds. */
    static final Duration DRIFT = Duration.ofSeconds(10);
    /** From this on, things fail: MinIO refuses S3 requests signed more than 15 minutes off its clock. */
    static final Duration BROKEN = Duration.ofMinutes(15);
    private static final Pattern EPOCH = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9})|\\.%?N)?");
    private static final String SYNC = "is its time synchronised (chrony, systemd-timesyncd, ntpsec)? If every node says the same, this machine's clock is the one to set";

    private volatile Instant sent;
    private volatile Instant answered;

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "the node's clock agrees with this machine's within " + DRIFT.toSeconds() + " s (a warning beyond, a failure from "
                + BROKEN.toMinutes() + " min: TLS and MinIO's request signatures fail between clocks that far apart)",
                List.of(Vantage.LB, Vantage.APP, Vantage.STORAGE)));
    }

    @Override
    public List<Probe> probes(Node node) {
        return List.of(Probe.inShell(ID, "date +%s.%N"));
    }

    @Override
    public void answeredWithin(Instant sent, Instant answered) {
        this.sent = sent;
        this.answered = answered;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        return List.of(finding(node.name(), answers.get(ID), sent, answered));
    }

    static Finding finding(String node, Probe.Answer answer, Instant sent, Instant answered) {
        Optional<Instant> said = answer == null || !answer.ok() ? Optional.empty() : parse(answer.output().strip());
        if (said.isEmpty()) {
            String seen = answer == null ? "no answer" : NodeText.shown(answer.output().strip());
            return new Finding(ID, node, TARGET, Verdict.WARN, "the node's time could not be read: " + seen, "date +%s.%N must print seconds since 1970");
        }
        if (sent == null || answered == null || answered.isBefore(sent)) {
            return new Finding(ID, node, TARGET, Verdict.SKIP, "not measured: no time of this machine's to compare with (answers read again, from a support bundle)", "");
        }
        Duration half = Duration.between(sent, answered).dividedBy(2);
        Duration offset = Duration.between(sent.plus(half), said.get());
        Duration beyond = offset.abs().minus(half);
        String where = (offset.isNegative() ? " behind" : " ahead of") + " this machine's clock";
        if (beyond.compareTo(BROKEN) >= 0) {
            return new Finding(ID, node, TARGET, Verdict.FAIL, said(offset.abs()) + where,
                    "TLS certificates and MinIO's request signatures fail between clocks this far apart; " + SYNC);
        }
        if (beyond.compareTo(DRIFT) > 0) {
            return new Finding(ID, node, TARGET, Verdict.WARN, said(offset.abs()) + where,
                    "clocks that drift apart break TLS and S3 signatures in time, and the logs no longer line up; " + SYNC);
        }
        return Finding.ok(ID, node, TARGET, "within " + said(offset.abs().plus(half)) + " of this machine's clock");
    }

    /** Seconds since 1970, as {@code date +%s.%N} prints them (a date without %N, as BusyBox's, leaves it as it is); empty for anything else. */
    static Optional<Instant> parse(String text) {
        Matcher m = EPOCH.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long nanos = m.group(2) == null ? 0 : new BigDecimal("0." + m.group(2)).movePointRight(9).longValue();
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(m.group(1)), nanos));
    }

    /** 0.3s under ten seconds, then as {@link Durations#format} writes it: 42s, 3m12s, 2h5m. */
    static String said(Duration d) {
        return d.toSeconds() < 10 ? BigDecimal.valueOf(d.toMillis()).movePointLeft(3).setScale(1, RoundingMode.HALF_UP).toPlainString() + "s"
                : Durations.format(d.withNanos(0));
    }
}
