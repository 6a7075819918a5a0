package io.oth.secret;

import io.oth.input.BoundedYaml;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What oth knows about the credentials in the secrets file, beside it in {@code credentials.yml}
 * (0600, no secret in it): when each was made ({@code created}), or, for one made before oth
 * recorded that, when oth first saw it ({@code first_seen}); which account of each pair the
 * application uses ({@code active}, service to account; none: the first of the pair); and which
 * account a rotation that has not finished is moving it to ({@code rotating}).
 *
 * <p>A secrets file without this file is read as it always was: every time unknown, every pair on
 * its first account.
 */
record CredentialFacts(SortedMap<String, String> created, SortedMap<String, String> firstSeen, SortedMap<String, String> active,
                       SortedMap<String, String> rotating) {
    static final String FILE = "credentials.yml";
    private static final List<String> SECTIONS = List.of("created", "first_seen", "active", "rotating");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String HEADER = "# oth: when each credential in secrets.yml was made, and which account of each pair the application uses."
            + " No secret is in this file.\n";

    CredentialFacts {
        created = new TreeMap<>(created);
        firstSeen = new TreeMap<>(firstSeen);
        active = new TreeMap<>(active);
        rotating = new TreeMap<>(rotating);
    }

    static CredentialFacts none() {
        return new CredentialFacts(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    CredentialFacts copy() {
        return new CredentialFacts(created, firstSeen, active, rotating);
    }

    /** Where the facts of {@code secretsFile} are kept. */
    static Path fileOf(Path secretsFile) {
        return secretsFile.resolveSibling(FILE);
    }

    /** A time as the file keeps it: UTC, to the second. */
    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The facts in {@code file}; none when it does not exist. Errors name the file and the entry, never a value that failed to parse as a time. */
    static CredentialFacts load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return none();
        }
        String text = PrivateFiles.read(file);
        Object loaded;
        try {
            loaded = BoundedYaml.load(text, BoundedYaml.settings(file.toString(), new FailsafeSchema()).setAllowDuplicateKeys(false).build());
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
            throw new IOException(file + where + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new IOException(file + ": not valid YAML");
        }
        CredentialFacts facts = none();
        if (loaded == null) {
            return facts;
        }
        if (!(loaded instanceof Map<?, ?> top)) {
            throw new IOException(file + ": expected a mapping with " + String.join(", ", SECTIONS));
        }
        for (Map.Entry<?, ?> section : top.entrySet()) {
            String name = String.valueOf(section.getKey());
            if (!SECTIONS.contains(name)) {
                throw new IOException(file + ": " + name + ": unknown section (expected " + String.join(", ", SECTIONS) + ")");
            }
            if (section.getValue() == null) {
                continue;
            }
            if (!(section.getValue() instanceof Map<?, ?> entries)) {
                throw new IOException(file + ": " + name + ": expected a mapping");
            }
            boolean times = name.equals("created") || name.equals("first_seen");
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String value = entry.getValue() instanceof String s ? s : "";
                if (!NAME.matcher(key).matches()) {
                    throw new IOException(file + ": " + name + ": \"" + key + "\" is not a secret or service name");
                }
                if (times) {
                    try {
                        Instant.parse(value);
                    } catch (DateTimeParseException e) {
                        throw new IOException(file + ": " + name + "." + key + ": not a UTC time like 2026-12-04T23:40:00Z");
                    }
                } else if (!ACCOUNT.matcher(value).matches()) {
                    throw new IOException(file + ": " + name + "." + key + ": not an account name");
                }
                switch (name) {
                    case "created" -> facts.created.put(key, value);
                    case "first_seen" -> facts.firstSeen.put(key, value);
                    case "active" -> facts.active.put(key, value);
                    default -> facts.rotating.put(key, value);
                }
            }
        }
        return facts;
    }

    String render() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created", created);
        out.put("first_seen", firstSeen);
        out.put("active", active);
        out.put("rotating", rotating);
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSplitLines(false).build();
        return HEADER + new Dump(settings).dumpToString(out);
    }
}
