package io.oth.report;

import io.oth.check.CheckInfo;
import io.oth.check.Finding;
import io.oth.check.Verdict;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** oth doctor's report on a terminal: findings grouped by where they were seen from, and the list of checks. */
public final class DoctorText {
    private DoctorText() {
    }

    /** One line per check: id, where it is seen from, what it verifies. */
    public static void checks(PrintWriter out, List<CheckInfo> checks) {
        for (CheckInfo c : checks) {
            out.printf("%-24s %-28s %s%n", c.id(), "from " + String.join(", ", c.from()), c.verifies());
        }
        out.println(checks.size() + " checks; --only selects them by the part of the id before the dot");
    }

    /** The findings by vantage point, a hint under each that is not ok, and the counts. */
    public static void findings(PrintWriter out, List<Finding> findings, Map<Verdict, Integer> counts, double seconds) {
        Map<String, List<Finding>> byVantage = new LinkedHashMap<>();
        findings.forEach(f -> byVantage.computeIfAbsent(f.vantage(), k -> new ArrayList<>()).add(f));
        byVantage.forEach((vantage, list) -> {
            out.println("from " + vantage + ":");
            for (Finding f : list) {
                out.printf("  %s %-22s %-28s %s%n", f.verdict().mark(), f.id(), f.target(), f.cause());
                if (!f.hint().isEmpty() && (f.verdict() == Verdict.FAIL || f.verdict() == Verdict.WARN || f.verdict() == Verdict.WAIVED)) {
                    out.printf("      hint: %s%n", f.hint());
                }
            }
        });
        out.printf("doctor: %d ok, %d warnings, %d failures, %d waived, %d skipped in %.1f s%n", counts.getOrDefault(Verdict.OK, 0),
                counts.getOrDefault(Verdict.WARN, 0), counts.getOrDefault(Verdict.FAIL, 0), counts.getOrDefault(Verdict.WAIVED, 0),
                counts.getOrDefault(Verdict.SKIP, 0), seconds);
    }
}
