package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reach.clock: the node's {@code date +%s.%N} against this machine's clock around the round that asked for it. */
class ClockCheckTest {
    private static final Instant SENT = Instant.parse("2026-12-07T15:00:00Z");

    /** The finding when the node says {@code nodeTime} in a round that took {@code round} from {@link #SENT}. */
    private static String seen(String nodeTime, Duration round) {
        ClockCheck check = new ClockCheck();
        Site site = Sites.lab();
        Node app = Sites.node(site, "app1");
        check.answeredWithin(SENT, SENT.plus(round));
        List<Finding> findings = check.findings(app, Map.of(check.probes(app).get(0).key(), new Probe.Answer(0, nodeTime + "\n")));
        assertEquals(1, findings.size());
        Finding f = findings.get(0);
        assertEquals("app1 reach.clock system clock", f.vantage() + " " + f.id() + " " + f.target());
        return f.verdict() + " " + f.cause();
    }

    private static String at(Duration fromSent) {
        Instant t = SENT.plus(fromSent);
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    @Test
    void aClockInStepIsOkAndSaysHowCloseWithinTheRoundsOwnTime() {
        assertEquals("OK within 0.3s of this machine's clock", seen(at(Duration.ofMillis(300)), Duration.ofMillis(400)));
        assertEquals("OK within 0.2s of this machine's clock", seen(at(Duration.ofMillis(200)), Duration.ofMillis(400)));
    }

    @Test
    void aClockOffByMoreThanTenSecondsIsAWarningThatSaysWhichWay() {
        assertEquals("WARN 42s behind this machine's clock", seen(at(Duration.ofSeconds(-42)), Duration.ZERO));
        assertEquals("WARN 3m12s ahead of this machine's clock", seen(at(Duration.ofSeconds(192)), Duration.ZERO));
    }

    @Test
    void onlyWhatLiesBeyondHalfTheRoundCounts() {
        // 12 s off the middle of a 6 s round: the node may have answered 3 s nearer, 9 s is within bounds
        assertTrue(seen(at(Duration.ofSeconds(15)), Duration.ofSeconds(6)).equals("OK within 15s of this machine's clock"));
        assertEquals("WARN 14s ahead of this machine's clock", seen(at(Duration.ofSeconds(17)), Duration.ofSeconds(6)));
    }

    @Test
    void fifteenMinutesOffIsAFailureNamingWhatBreaks() {
        ClockCheck check = new ClockCheck();
        Node app = Sites.node(Sites.lab(), "app1");
        check.answeredWithin(SENT, SENT);
        Finding f = check.findings(app, Map.of(ClockCheck.ID, new Probe.Answer(0, at(Duration.ofHours(-2).minusMinutes(5))))).get(0);
        assertEquals(Verdict.FAIL, f.verdict());
        assertEquals("2h5m behind this machine's clock", f.cause());
        assertTrue(f.hint().contains("MinIO's request signatures") && f.hint().contains("this machine's clock is the one to set"), f.hint());
        assertEquals("FAIL 15m ahead of this machine's clock", seen(at(Duration.ofMinutes(15)), Duration.ZERO));
    }

    @Test
    void whatTheNodeSaysIsANumberOfSecondsOrAWarningThatShowsItEscaped() {
        assertEquals("OK within 0.0s of this machine's clock", seen(String.valueOf(SENT.getEpochSecond()), Duration.ZERO));
        assertEquals("OK within 0.0s of this machine's clock", seen(SENT.getEpochSecond() + ".%N", Duration.ZERO), "BusyBox's date");
        assertEquals(Optional.empty(), ClockCheck.parse("1733580000.1234567890"));
        assertEquals(Optional.empty(), ClockCheck.parse("-5"));
        assertEquals(Optional.empty(), ClockCheck.parse("9999999999999"));
        String hostile = seen("Mon Dec  7\u001b[31m accept all " + "x".repeat(500), Duration.ZERO);
        assertTrue(hostile.startsWith("WARN the node's time could not be read: \"Mon Dec  7\\u001b[31m accept all"), hostile);
        assertTrue(hostile.length() < 260, hostile);
    }

    @Test
    void withoutThisMachinesTimeAroundTheRoundNothingIsMeasured() {
        ClockCheck check = new ClockCheck();
        Node lb = Sites.node(Sites.lab(), "lb");
        Finding f = check.findings(lb, Map.of(ClockCheck.ID, new Probe.Answer(0, at(Duration.ZERO)))).get(0);
        assertEquals(Verdict.SKIP, f.verdict());
        assertTrue(f.cause().contains("support bundle"), f.cause());
        assertEquals(Verdict.WARN, check.findings(lb, Map.of(ClockCheck.ID, new Probe.Answer(1, "date: not found"))).get(0).verdict());
    }

    @Test
    void theProbeIsTheNodesDateInSecondsAndNanoseconds() throws Exception {
        Node storage = Sites.node(Sites.lab(), "storage");
        String script = new ClockCheck().probes(storage).get(0).script();
        Process p = new ProcessBuilder("sh", "-c", script).start();
        long before = System.currentTimeMillis();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Instant said = ClockCheck.parse(out).orElseThrow(() -> new AssertionError(out));
        assertTrue(Math.abs(said.toEpochMilli() - before) < 5_000, out);
        assertTrue(out.matches("\\d{10,12}\\.\\d{9}"), "seconds and nanoseconds, as the check parses them: " + out);
    }
}
