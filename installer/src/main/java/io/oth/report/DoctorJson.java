package io.oth.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.oth.check.Finding;
import io.oth.check.Verdict;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The doctor's findings as JSON, schema {@value #SCHEMA} (docs/doctor.md): stable for tools and support.
 * The same content, without its schema key, is the data of {@code oth doctor --json} (schema {@code oth-doctor/2}, docs/json.md).
 */
public final class DoctorJson {
    public static final String SCHEMA = "oth-doctor/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DoctorJson() {
    }

    public static String render(String site, String fqdn, Instant started, double seconds, List<Finding> findings) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.putAll(content(site, fqdn, started, seconds, findings));
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The document without its schema key. */
    public static Map<String, Object> content(String site, String fqdn, Instant started, double seconds, List<Finding> findings) {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            summary.put(v.name().toLowerCase(Locale.ROOT), findings.stream().filter(f -> f.verdict() == v).count());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("site", site);
        doc.put("fqdn", fqdn);
        doc.put("started", started.toString());
        doc.put("seconds", Math.round(seconds * 10) / 10.0);
        doc.put("summary", summary);
        doc.put("findings", findings.stream().map(f -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", f.id());
            one.put("vantage", f.vantage());
            one.put("target", f.target());
            one.put("verdict", f.verdict().name().toLowerCase(Locale.ROOT));
            one.put("cause", f.cause());
            one.put("hint", f.hint());
            return one;
        }).toList());
        return doc;
    }
}
