package io.oth.report;

import io.oth.check.CheckInfo;
import io.oth.check.Doctor;
import io.oth.check.DoctorReport;
import io.oth.check.Finding;
import io.oth.check.Verdict;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * oth doctor's report on a terminal: what needs attention first, then one line per area, then the
 * counts; or, with --all, every finding by where it was seen from. And the list of checks.
 */
public final class DoctorText {
    /** How wide a check id, a vantage point and a target may be before they are cut: the cause after them stays in line. */
    private static final int ID_WIDTH = 28;
    private static final int VANTAGE_WIDTH = 20;
    private static final int TARGET_WIDTH = 40;

    private DoctorText() {
    }

    /** One line per check: id, where it is seen from, what it verifies. */
    public static void checks(PrintWriter out, List<CheckInfo> checks) {
        Table table = Table.withoutHeader(3);
        checks.forEach(c -> table.row(c.id(), "from " + String.join(", ", c.from()), c.verifies()));
        table.print(out);
        out.println(checks.size() + " checks; --only selects them by the part of the id before the dot");
    }

    /**
     * The report: with {@code all}, every finding by vantage point (the full view); else the
     * failures, warnings, waivers and skips only, worst first. Then a line per area and the counts.
     */
    public static void findings(PrintWriter out, DoctorReport report, boolean all, TextStyle style) {
        List<Finding> findings = report.findings();
        boolean shortened = false;
        if (all) {
            byVantage(out, findings, style);
        } else {
            shortened = worstFirst(out, findings, style);
        }
        if (all ? !findings.isEmpty() : report.worst() != Verdict.OK) {
            out.println();
        }
        byArea(out, findings, style);
        Map<Verdict, Integer> counts = report.counts();
        out.printf("doctor: %d ok, %d warnings, %d failures, %d waived, %d skipped in %.1f s%s%n", counts.getOrDefault(Verdict.OK, 0),
                counts.getOrDefault(Verdict.WARN, 0), counts.getOrDefault(Verdict.FAIL, 0), counts.getOrDefault(Verdict.WAIVED, 0),
                counts.getOrDefault(Verdict.SKIP, 0), report.seconds(), shortened ? "; --all lists every check" : "");
    }

    /** Every finding under its vantage point. */
    private static void byVantage(PrintWriter out, List<Finding> findings, TextStyle style) {
        Map<String, List<Finding>> byVantage = new LinkedHashMap<>();
        findings.forEach(f -> byVantage.computeIfAbsent(f.vantage(), k -> new ArrayList<>()).add(f));
        Table table = table(4, style).indent(2).limit(1, ID_WIDTH).limit(2, TARGET_WIDTH);
        byVantage.forEach((vantage, list) -> {
            table.line("from " + style.text(vantage) + ":");
            for (Finding f : list) {
                table.row(style.mark(f.verdict()), f.id(), style.text(f.target()), style.text(f.cause()));
                hint(table, f, "      ", style);
            }
        });
        table.print(out);
    }

    /**
     * What is not ok: failures, warnings, waivers, then skips; the skips from one vantage point for
     * one reason (a node that could not be reached) on one line. True when something was left out.
     */
    private static boolean worstFirst(PrintWriter out, List<Finding> findings, TextStyle style) {
        List<Finding> notOk = findings.stream().filter(f -> f.verdict() != Verdict.OK)
                .sorted(Comparator.comparing(Finding::verdict).reversed()).toList();
        Table table = table(5, style).limit(1, ID_WIDTH).limit(2, VANTAGE_WIDTH).limit(3, TARGET_WIDTH);
        Map<List<String>, List<Finding>> skipped = new LinkedHashMap<>();
        for (Finding f : notOk) {
            if (f.verdict() == Verdict.SKIP) {
                skipped.computeIfAbsent(List.of(f.vantage(), f.cause()), k -> new ArrayList<>()).add(f);
            } else {
                row(table, f, style);
                hint(table, f, "    ", style);
            }
        }
        boolean grouped = false;
        for (List<Finding> same : skipped.values()) {
            if (same.size() == 1) {
                row(table, same.get(0), style);
            } else {
                Finding first = same.get(0);
                List<String> targets = same.stream().map(Finding::target).distinct().toList();
                table.row(style.mark(Verdict.SKIP), same.size() + " checks", style.text(first.vantage()), style.text(String.join(", ", targets)),
                        style.text(first.cause()));
                grouped = true;
            }
        }
        if (!notOk.isEmpty()) {
            table.print(out);
        }
        return grouped || notOk.size() < findings.size();
    }

    private static Table table(int columns, TextStyle style) {
        return Table.withoutHeader(columns).gap(0, 1).ellipsis(style.ellipsis()).paint(0, style::paintMark);
    }

    private static void row(Table table, Finding f, TextStyle style) {
        table.row(style.mark(f.verdict()), f.id(), style.text(f.vantage()), style.text(f.target()), style.text(f.cause()));
    }

    private static void hint(Table table, Finding f, String indent, TextStyle style) {
        boolean attention = f.verdict() == Verdict.FAIL || f.verdict() == Verdict.WARN || f.verdict() == Verdict.WAIVED;
        if (attention && !f.hint().isEmpty()) {
            table.line(indent + "hint: " + style.text(f.hint()));
        }
    }

    /** A line per area (reach, dns, ports, ...) that has findings: its worst verdict and its counts. */
    private static void byArea(PrintWriter out, List<Finding> findings, TextStyle style) {
        Map<String, List<Finding>> byArea = new LinkedHashMap<>();
        Doctor.Category.inCheckOrder().forEach(c -> byArea.put(c.name(), new ArrayList<>()));
        findings.forEach(f -> byArea.computeIfAbsent(f.id().substring(0, Math.max(f.id().indexOf('.'), 0)), k -> new ArrayList<>()).add(f));
        Table table = table(3, style);
        byArea.forEach((area, list) -> {
            if (!list.isEmpty()) {
                table.row(style.mark(verdict(list)), area, counts(list));
            }
        });
        table.print(out);
    }

    /** An area's mark: its worst verdict, a skip only when nothing in it could be checked. */
    private static Verdict verdict(List<Finding> area) {
        Optional<Verdict> checked = area.stream().map(Finding::verdict).filter(v -> v != Verdict.SKIP).max(Comparator.naturalOrder());
        return checked.orElse(Verdict.SKIP);
    }

    private static String counts(List<Finding> area) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        area.forEach(f -> counts.merge(f.verdict(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        count(parts, counts, Verdict.FAIL, "failed", "failed");
        count(parts, counts, Verdict.WARN, "warning", "warnings");
        count(parts, counts, Verdict.WAIVED, "waived", "waived");
        count(parts, counts, Verdict.OK, "ok", "ok");
        count(parts, counts, Verdict.SKIP, "skipped", "skipped");
        return String.join(", ", parts);
    }

    private static void count(List<String> parts, Map<Verdict, Integer> counts, Verdict verdict, String one, String many) {
        int n = counts.getOrDefault(verdict, 0);
        if (n > 0) {
            parts.add(n + " " + (n == 1 ? one : many));
        }
    }
}
