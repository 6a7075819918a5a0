package io.oth.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oth.check.Doctor;
import io.oth.check.DoctorReport;
import io.oth.check.Finding;
import io.oth.check.NameLookup;
import io.oth.check.Verdict;
import io.oth.report.DoctorHtml;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteException;
import io.oth.site.SiteLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code oth support bundle --analyze}: the doctor's analysis again, offline, on what a bundle
 * recorded. The nodes' raw probe answers go through the same checks a live run uses, as at the
 * time the bundle was made; what only a live run can see (logins through forwards, this side's
 * secrets) stays as the bundle's doctor run recorded it. Support reads a customer's bundle the
 * way they read a live doctor run: as its HTML report.
 *
 * @param site       the site file the bundle recorded
 * @param reanalysed how many findings came from the nodes' data again
 */
public record BundleAnalysis(Site site, Instant collected, DoctorReport report, int reanalysed) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROBES = Pattern.compile("[^/]+/nodes/([a-z][a-z0-9-]{0,62})/doctor-probes\\.txt");

    public static BundleAnalysis analyze(Path bundle) throws BundleInspection.Unreadable, IOException {
        Map<String, byte[]> kept = new LinkedHashMap<>();
        BundleInspection.read(bundle, name -> name.matches("[^/]+/(index\\.json|operator/site\\.yml|operator/doctor\\.json)")
                || PROBES.matcher(name).matches(), kept);
        JsonNode index = BundleInspection.index(bundle, kept);
        Instant collected;
        try {
            collected = Instant.parse(index.path("created").asText());
        } catch (DateTimeParseException e) {
            throw new BundleInspection.Unreadable(bundle + ": index.json has no time it was made");
        }
        Site site = site(bundle, file(kept, "/operator/site.yml").orElseThrow(() -> new BundleInspection.Unreadable(bundle + ": no operator/site.yml")));
        Optional<JsonNode> doctor = doctor(bundle, file(kept, "/operator/doctor.json"));
        List<Finding> recorded = doctor.map(BundleAnalysis::recorded).orElse(List.of());
        Map<String, String> answers = new LinkedHashMap<>();
        kept.forEach((name, bytes) -> {
            Matcher m = PROBES.matcher(name);
            if (m.matches()) {
                answers.put(m.group(1), new String(bytes, StandardCharsets.UTF_8));
            }
        });
        Doctor.Context context = new Doctor.Context(site, Playbooks.load(), Clock.fixed(collected, ZoneOffset.UTC), null, NameLookup.system(),
                bundle.toAbsolutePath().getParent());
        List<Finding> again = Doctor.fromAnswers(context, answers).stream().filter(f -> f.verdict() != Verdict.SKIP).toList();
        Map<String, Finding> byKey = new LinkedHashMap<>();
        recorded.forEach(f -> byKey.put(key(f), f));
        again.forEach(f -> byKey.put(key(f), f));
        double seconds = doctor.map(d -> d.path("seconds").asDouble(0)).orElse(0.0);
        return new BundleAnalysis(site, collected, new DoctorReport(List.copyOf(byKey.values()), collected, seconds), again.size());
    }

    public Verdict worst() {
        return report.worst();
    }

    public String summary() {
        Map<Verdict, Integer> counts = report.counts();
        return report.findings().size() + " findings (" + reanalysed + " analysed again from the nodes' data): "
                + counts.getOrDefault(Verdict.OK, 0) + " ok, " + counts.getOrDefault(Verdict.WARN, 0) + " warnings, "
                + counts.getOrDefault(Verdict.FAIL, 0) + " failures";
    }

    public String html(String version) {
        return DoctorHtml.render(site, report.started(), report.seconds(), report.findings(), version + " (--analyze of a support bundle)");
    }

    private static String key(Finding f) {
        return f.id() + "\u0000" + f.vantage() + "\u0000" + f.target();
    }

    private static Optional<byte[]> file(Map<String, byte[]> kept, String suffix) {
        return kept.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue).findFirst();
    }

    /** The site file as the bundle recorded it, checked as strictly as any site file (the files it names need not be here). */
    private static Site site(Path bundle, byte[] text) throws BundleInspection.Unreadable, IOException {
        Path dir = Files.createTempDirectory("oth-analyze-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("site.yml");
        try {
            Files.write(file, text);
            return SiteLoader.loadRecorded(file);
        } catch (SiteException e) {
            throw new BundleInspection.Unreadable(bundle + ": its operator/site.yml is not a valid site file:\n" + e.getMessage());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static Optional<JsonNode> doctor(Path bundle, Optional<byte[]> json) throws BundleInspection.Unreadable {
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(json.get()));
        } catch (IOException e) {
            throw new BundleInspection.Unreadable(bundle + ": operator/doctor.json is not JSON");
        }
    }

    /** The findings of the bundle's own doctor run: strings of bounded length, verdicts oth knows; anything else is left out. */
    private static List<Finding> recorded(JsonNode doc) {
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            Optional<Verdict> verdict = verdict(f.path("verdict").asText());
            String id = f.path("id").asText("");
            if (verdict.isEmpty() || !id.matches("[a-z]+\\.[a-z0-9_.-]{1,120}") || findings.size() >= 100_000) {
                continue;
            }
            findings.add(new Finding(id, cut(f.path("vantage").asText("")), cut(f.path("target").asText("")), verdict.get(),
                    cut(f.path("cause").asText("")), cut(f.path("hint").asText(""))));
        }
        return findings;
    }

    private static Optional<Verdict> verdict(String text) {
        try {
            return Optional.of(Verdict.valueOf(text.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String cut(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
