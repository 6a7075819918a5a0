package io.oth.report;

import io.oth.check.DoctorReport;
import io.oth.check.Finding;
import io.oth.check.Verdict;
import io.oth.site.Role;
import io.oth.site.Site;
import io.oth.template.Templates;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The doctor's findings as one self-contained HTML page (templates/report/doctor.html.peb) that a
 * customer can mail to support: inline CSS, no scripts, nothing fetched. What needs attention
 * comes first, then the nodes, a picture of the site with each hop coloured ({@link SitePicture}),
 * and every finding by vantage point. The {@link DoctorJson}
 * document is embedded in {@code <script type="application/json" id="oth-doctor">} so that tools
 * can read the page back.
 */
public final class DoctorHtml {
    private static final String TEMPLATE = "report/doctor.html.peb";

    private DoctorHtml() {
    }

    /** The page about {@code site}: its nodes and its picture come from the site file, the rest from the findings. */
    public static String render(Site siteFile, Instant started, double seconds, List<Finding> findings, String othVersion) {
        String site = siteFile.name();
        String fqdn = siteFile.fqdn();
        Map<String, List<Finding>> byVantage = new LinkedHashMap<>();
        findings.forEach(f -> byVantage.computeIfAbsent(f.vantage(), k -> new ArrayList<>()).add(f));
        List<Map<String, Object>> groups = new ArrayList<>();
        byVantage.forEach((vantage, list) -> groups.add(Map.of("vantage", vantage, "worst", cssClass(worst(list)), "summary", summary(list),
                "findings", list.stream().map(DoctorHtml::row).toList())));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("site", site);
        page.put("fqdn", fqdn);
        page.put("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
        page.put("seconds", String.format(Locale.ROOT, "%.1f", seconds));
        page.put("version", othVersion);
        page.put("worst", cssClass(worst(findings)));
        page.put("summary", summary(findings));
        page.put("groups", groups);
        page.put("attention", findings.stream().filter(f -> f.verdict() == Verdict.FAIL || f.verdict() == Verdict.WARN)
                .sorted(Comparator.comparing(Finding::verdict).reversed()).map(DoctorHtml::row).toList());
        page.put("nodes", nodes(siteFile, findings));
        page.put("picture", SitePicture.of(siteFile, findings).svg());
        page.put("json", scriptSafe(DoctorJson.render(site, fqdn, started, seconds, findings)));
        return Templates.render(TEMPLATE, page);
    }

    /** Each node: role, addresses, the release it runs (app nodes), the worst of what is seen from it. */
    private static List<Map<String, Object>> nodes(Site site, List<Finding> findings) {
        Map<String, String> releases = DoctorReport.releases(findings);
        return site.nodes().stream().map(n -> {
            List<Finding> seen = findings.stream().filter(f -> f.vantage().equals(n.name())).toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", n.name());
            row.put("role", n.role());
            row.put("address", n.address());
            row.put("public_address", n.publicAddress().orElse("-"));
            row.put("release", releases.getOrDefault(n.name(), n.role().equals(Role.APP) ? "unknown" : "-"));
            row.put("worst", seen.isEmpty() ? "none" : cssClass(worst(seen)));
            row.put("summary", seen.isEmpty() ? "nothing seen from it" : summary(seen));
            return row;
        }).toList();
    }

    private static Map<String, Object> row(Finding f) {
        return Map.of("id", f.id(), "vantage", f.vantage(), "target", f.target(), "verdict", cssClass(f.verdict()), "mark", f.verdict().mark(),
                "cause", f.cause(), "hint", f.hint());
    }

    /** "40 ok, 0 warnings, 1 failure, 0 skipped, 0 waived", as the console's last line counts. */
    static String summary(List<Finding> findings) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        findings.forEach(f -> counts.merge(f.verdict(), 1, Integer::sum));
        int warn = counts.getOrDefault(Verdict.WARN, 0);
        int fail = counts.getOrDefault(Verdict.FAIL, 0);
        return counts.getOrDefault(Verdict.OK, 0) + " ok, " + warn + (warn == 1 ? " warning, " : " warnings, ") + fail
                + (fail == 1 ? " failure, " : " failures, ") + counts.getOrDefault(Verdict.SKIP, 0) + " skipped, "
                + counts.getOrDefault(Verdict.WAIVED, 0) + " waived";
    }

    private static Verdict worst(List<Finding> findings) {
        return findings.stream().map(Finding::verdict).max(Comparator.naturalOrder()).orElse(Verdict.OK);
    }

    private static String cssClass(Verdict verdict) {
        return verdict.name().toLowerCase(Locale.ROOT);
    }

    /**
     * JSON that cannot end its script element or open a comment there: every {@code <}, {@code >}
     * and {@code &} (they occur only inside JSON strings) becomes its {@code \\u} escape, which a
     * JSON parser reads back as the same character.
     */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
