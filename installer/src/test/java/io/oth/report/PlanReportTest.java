package io.oth.report;

import io.oth.phase.RunReport;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The summary of a run says how long each phase took on its slowest node: where the time of the run went. */
class PlanReportTest {
    private static RunReport.PhaseTime took(String phase, String host, long millis) {
        return new RunReport.PhaseTime(phase, host, Duration.ofMillis(millis));
    }

    @Test
    void eachPhaseOnceWithItsSlowestNode() {
        RunReport report = new RunReport(false, List.of(), 9, 4, List.of(took("packages", "lb", 4100), took("packages", "app1", 12_300),
                took("objects", "storage", 63_040), took("packages", "storage", 7000))).timed(took("site-answers", "lb", 1500));
        StringWriter out = new StringWriter();
        PlanReport.times(report).orElseThrow().print(new PrintWriter(out, true));

        assertEquals(List.of("PHASE         TIME    SLOWEST ON", "packages      12.3 s  app1", "objects       63.0 s  storage",
                "site-answers  1.5 s   lb"), out.toString().lines().map(String::stripTrailing).toList(), out::toString);
    }

    @Test
    void aRunThatTimedNoPhaseHasNoTable() {
        assertTrue(PlanReport.times(new RunReport(true, List.of(), 0, 0)).isEmpty());
        assertEquals(Optional.empty(), PlanReport.times(new RunReport(false, List.of(), 0, 0)));
    }
}
