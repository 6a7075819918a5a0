package io.oth.check;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a doctor run found, when it started and how long it took: what the table, the JSON and the HTML show. */
public record DoctorReport(List<Finding> findings, Instant started, double seconds) {

    public DoctorReport {
        findings = List.copyOf(findings);
    }

    /** How many findings came out each way; a verdict no finding has is absent. */
    public Map<Verdict, Integer> counts() {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        findings.forEach(f -> counts.merge(f.verdict(), 1, Integer::sum));
        return counts;
    }

    /** The worst verdict found; {@link Verdict#OK} when there are no findings. */
    public Verdict worst() {
        return findings.stream().map(Finding::verdict).max(Comparator.naturalOrder()).orElse(Verdict.OK);
    }

    /**
     * The application release each app node runs, by node, as {@code posture.release} found it
     * (a node whose release was not found is absent); the HTML report's table of nodes shows it.
     */
    public static Map<String, String> releases(List<Finding> findings) {
        Map<String, String> releases = new java.util.LinkedHashMap<>();
        findings.stream().filter(f -> f.id().equals("posture.release") && f.target().startsWith(PostureCheck.RELEASE_TARGET))
                .forEach(f -> releases.put(f.vantage(), f.target().substring(PostureCheck.RELEASE_TARGET.length())));
        return releases;
    }

    /** Only what is seen from {@code node}, whether it could be reached, and what kept it from being reached. */
    DoctorReport seenFrom(String node) {
        List<Finding> seen = findings.stream().filter(f -> f.vantage().equals(node) || f.id().equals(ReachCheck.NODE) && f.target().equals(node)).toList();
        return new DoctorReport(ReachCheck.withBlockers(seen, findings), started, seconds);
    }
}
