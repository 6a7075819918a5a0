package io.oth.report;

import io.oth.phase.RunReport;

import java.util.List;
import java.util.Locale;

/**
 * A run's plan or outcome as values, for every command that plans ({@code install}, {@code upgrade
 * --check}): per host the operations already right, the changes (pending with {@code check}, made
 * without) and the failure; docs/schemas/plan.schema.json.
 */
public final class PlanJson {
    private PlanJson() {
    }

    public record Plan(boolean check, int changes, long failedHosts, int sessions, int connections, List<HostRow> hosts) {
    }

    /** {@code ok}: operations already right; {@code changed}: how many changes, pending or made; their summaries in {@code changes}. */
    public record HostRow(String host, int ok, int changed, boolean failed, String failure, String failureKind, List<String> changes, List<String> warnings) {
    }

    public static Plan of(RunReport report) {
        List<HostRow> hosts = report.hosts().stream().map(h -> new HostRow(h.host(), h.ok(), h.changes().size(), h.isFailed(),
                h.failure().orElse(null), h.kind().map(k -> k.name().toLowerCase(Locale.ROOT)).orElse(null), h.changes(), h.warnings())).toList();
        return new Plan(report.check(), report.changes(), hosts.stream().filter(HostRow::failed).count(), report.sessions(),
                report.connections(), hosts);
    }
}
