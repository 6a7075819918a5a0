package io.oth.report;

import io.oth.phase.RunReport;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * A run's plan or outcome as {@code oth install} shows it, for every command that plans: each
 * change with its host ({@code [app1] would ...}), then one row per host.
 */
public final class PlanReport {
    private PlanReport() {
    }

    /** The changes, a blank line, and the table of hosts. */
    public static void print(RunReport report, PrintWriter out) {
        for (RunReport.HostOutcome h : report.hosts()) {
            h.changes().forEach(c -> out.printf("[%s] %s%s%n", h.host(), report.check() ? "would " : "", c));
        }
        out.println();
        table(report).print(out);
    }

    /** One row per host: operations already right, changes pending (or made), and how it ended. */
    public static Table table(RunReport report) {
        boolean check = report.check();
        Table table = new Table("HOST", "OK", check ? "PENDING" : "CHANGED", "RESULT");
        for (RunReport.HostOutcome h : report.hosts()) {
            table.row(h.host(), String.valueOf(h.ok()), String.valueOf(h.changes().size()),
                    h.failure().map(f -> "FAILED: " + f).orElse(h.changes().isEmpty() ? "ok" : check ? "pending" : "changed"));
        }
        return table;
    }

    /** Each phase once, with the time it took on its slowest host (what the run waited for); empty when the run timed no phase. */
    public static Optional<Table> times(RunReport report) {
        if (report.times().isEmpty()) {
            return Optional.empty();
        }
        Table table = new Table("PHASE", "TIME", "SLOWEST ON");
        report.slowest().forEach(t -> table.row(t.phase(), String.format(Locale.ROOT, "%.1f s", t.took().toMillis() / 1000.0), t.host()));
        return Optional.of(table);
    }
}
