package io.oth.install.offline;

import io.oth.input.BoundedYaml;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The manifest of an offline bundle ({@code manifest.yml}): the Debian release and architecture
 * its packages are for, what each role needs (its packages, and the .debs they take on a bare
 * node), every .deb with its size, sha256 and control fields, and the release, traefik and MinIO
 * bundles with theirs. Written by {@code oth bundle create}, read as hostile input by install.
 */
public record OfflineManifest(String site, String created, String codename, String architecture, Map<String, Role> roles,
                              List<DebPackage> debs, List<BundleFile> bundles) {
    public static final String FORMAT = "oth-offline-bundle/1";
    /** ~1 KiB per .deb, a few hundred of them for a whole site. */
    public static final int MAX_BYTES = 8 << 20;
    private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern TIME = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,18}Z");
    static final Pattern BUNDLE_FILE = Pattern.compile("bundles/[A-Za-z0-9][A-Za-z0-9._+-]{0,200}");
    /** The program bundles a bundle can carry, by what they are for. */
    public static final List<String> BUNDLE_KINDS = List.of("release", "traefik", "minio");

    /** What one role needs: the packages the install asks for, and the .debs (files) they take on a node that has none. */
    public record Role(List<String> packages, List<String> debs) {
    }

    /** A release or program bundle inside: what it is ({@link #BUNDLE_KINDS}), its file, size and sha256. */
    public record BundleFile(String kind, String file, long size, String sha256) {
    }

    /** A file the manifest lists: its size and sha256. */
    public record Listed(long size, String sha256) {
    }

    /** Every file the bundle holds besides the manifest and its checksum, by name. */
    public Map<String, Listed> files() {
        Map<String, Listed> files = new LinkedHashMap<>();
        debs.forEach(d -> files.put(d.file(), new Listed(d.size(), d.sha256())));
        bundles.forEach(b -> files.put(b.file(), new Listed(b.size(), b.sha256())));
        return files;
    }

    public java.util.Optional<BundleFile> bundle(String kind) {
        return bundles.stream().filter(b -> b.kind().equals(kind)).findFirst();
    }

    /** The manifest as YAML: every string double-quoted (JSON's escapes), so that no value can change the structure. */
    public byte[] render() {
        StringBuilder y = new StringBuilder();
        y.append("# The manifest of an oth offline bundle (docs/offline.md). Its sha256 is the bundle's fingerprint.\n");
        y.append("format: ").append(q(FORMAT)).append('\n');
        y.append("site: ").append(q(site)).append('\n');
        y.append("created: ").append(q(created)).append('\n');
        y.append("debian: {codename: ").append(q(codename)).append(", architecture: ").append(q(architecture)).append("}\n");
        y.append("roles:\n");
        new TreeMap<>(roles).forEach((role, r) -> {
            y.append("  ").append(q(role)).append(":\n");
            y.append("    packages: ").append(list(r.packages())).append('\n');
            y.append("    debs: ").append(list(r.debs())).append('\n');
        });
        y.append("debs:\n");
        for (DebPackage d : debs) {
            y.append("  - file: ").append(q(d.file())).append('\n');
            y.append("    size: ").append(d.size()).append('\n');
            y.append("    sha256: ").append(q(d.sha256())).append('\n');
            y.append("    control:\n");
            for (String field : DebPackage.FIELDS) {
                String value = d.control().get(field);
                if (value != null) {
                    y.append("      ").append(q(field)).append(": ").append(q(value)).append('\n');
                }
            }
        }
        y.append("bundles:\n");
        for (BundleFile b : bundles) {
            y.append("  - {kind: ").append(q(b.kind())).append(", file: ").append(q(b.file())).append(", size: ").append(b.size())
                    .append(", sha256: ").append(q(b.sha256())).append("}\n");
        }
        return y.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String list(List<String> items) {
        return "[" + String.join(", ", items.stream().map(OfflineManifest::q).toList()) + "]";
    }

    /** A YAML double-quoted scalar: JSON's escapes, and every character outside printable ASCII escaped. */
    static String q(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The manifest in {@code bytes}, checked field by field; every problem, each naming {@code where} and the field. */
    public static OfflineManifest parse(byte[] bytes, String where) throws DebPackage.InvalidException {
        if (bytes.length > MAX_BYTES) {
            throw new DebPackage.InvalidException(List.of(where + ": " + bytes.length + " bytes, more than a manifest may have (" + MAX_BYTES + ")"));
        }
        Object loaded;
        try {
            loaded = BoundedYaml.load(new String(bytes, StandardCharsets.UTF_8),
                    BoundedYaml.settings(where, new JsonSchema()).setCodePointLimit(MAX_BYTES).build());
        } catch (YamlEngineException e) {
            throw new DebPackage.InvalidException(List.of(where + ": " + e.getMessage()));
        }
        Reader r = new Reader(where);
        Map<?, ?> top = r.map(loaded, "");
        if (top == null) {
            throw new DebPackage.InvalidException(r.problems);
        }
        String format = r.text(top, "format", null);
        if (format != null && !format.equals(FORMAT)) {
            r.problems.add(where + ": format: \"" + DebPackage.printable(format) + "\" is not " + FORMAT + " (made by another version of oth?)");
        }
        String site = r.text(top, "site", WORD);
        String created = r.text(top, "created", TIME);
        Map<?, ?> debian = r.map(top.get("debian"), "debian");
        String codename = debian == null ? null : r.text(debian, "debian.codename", "codename", WORD);
        String architecture = debian == null ? null : r.text(debian, "debian.architecture", "architecture", DebPackage.ARCHITECTURE);
        List<DebPackage> debs = new ArrayList<>();
        List<?> debList = r.list(top.get("debs"), "debs");
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; debList != null && i < debList.size(); i++) {
            String at = "debs[" + i + "]";
            Map<?, ?> d = r.map(debList.get(i), at);
            if (d == null) {
                continue;
            }
            String file = r.text(d, at + ".file", "file", null);
            Long size = r.number(d, at + ".size", "size");
            String sha = r.text(d, at + ".sha256", "sha256", null);
            Map<?, ?> control = r.map(d.get("control"), at + ".control");
            if (file == null || size == null || sha == null || control == null) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            control.forEach((k, v) -> fields.put(String.valueOf(k), String.valueOf(v)));
            try {
                DebPackage deb = DebPackage.of(file, size, sha, fields, where + ": " + at);
                if (!names.add(deb.file())) {
                    r.problems.add(where + ": " + at + ".file: " + deb.file() + " is listed twice");
                }
                debs.add(deb);
            } catch (DebPackage.InvalidException e) {
                r.problems.addAll(e.problems());
            }
        }
        Map<String, Role> roles = new LinkedHashMap<>();
        Map<?, ?> roleMap = r.map(top.get("roles"), "roles");
        if (roleMap != null) {
            roleMap.forEach((k, v) -> {
                String role = String.valueOf(k);
                String at = "roles." + role;
                if (!WORD.matcher(role).matches()) {
                    r.problems.add(where + ": roles: \"" + DebPackage.printable(role) + "\" is not a role name");
                    return;
                }
                Map<?, ?> m = r.map(v, at);
                if (m == null) {
                    return;
                }
                List<String> packages = r.strings(m.get("packages"), at + ".packages", DebPackage.NAME);
                List<String> files = r.strings(m.get("debs"), at + ".debs", null);
                files.stream().filter(f -> !names.contains(f)).forEach(f -> r.problems.add(where + ": " + at + ".debs: " + DebPackage.printable(f)
                        + " is not one of the manifest's debs"));
                roles.put(role, new Role(packages, files));
            });
        }
        List<BundleFile> bundles = new ArrayList<>();
        List<?> bundleList = r.list(top.get("bundles"), "bundles");
        for (int i = 0; bundleList != null && i < bundleList.size(); i++) {
            String at = "bundles[" + i + "]";
            Map<?, ?> b = r.map(bundleList.get(i), at);
            if (b == null) {
                continue;
            }
            String kind = r.text(b, at + ".kind", "kind", null);
            String file = r.text(b, at + ".file", "file", BUNDLE_FILE);
            Long size = r.number(b, at + ".size", "size");
            String sha = r.text(b, at + ".sha256", "sha256", Pattern.compile("[0-9a-f]{64}"));
            if (kind != null && !BUNDLE_KINDS.contains(kind)) {
                r.problems.add(where + ": " + at + ".kind: \"" + DebPackage.printable(kind) + "\" is not one of " + String.join(", ", BUNDLE_KINDS));
            } else if (kind != null && bundles.stream().anyMatch(x -> x.kind().equals(kind))) {
                r.problems.add(where + ": " + at + ".kind: a second " + kind + " bundle");
            } else if (file != null && (names.contains(file) || bundles.stream().anyMatch(x -> x.file().equals(file)))) {
                r.problems.add(where + ": " + at + ".file: " + file + " is listed twice");
            } else if (kind != null && file != null && size != null && sha != null) {
                bundles.add(new BundleFile(kind, file, size, sha));
            }
        }
        if (!r.problems.isEmpty()) {
            throw new DebPackage.InvalidException(r.problems);
        }
        return new OfflineManifest(site, created, codename, architecture, Map.copyOf(roles), List.copyOf(debs), List.copyOf(bundles));
    }

    /** Reads typed fields out of the loaded YAML, collecting every problem. */
    private static final class Reader {
        private final String where;
        private final List<String> problems = new ArrayList<>();

        Reader(String where) {
            this.where = where;
        }

        Map<?, ?> map(Object value, String at) {
            if (value instanceof Map<?, ?> m) {
                return m;
            }
            problems.add(where + ": " + (at.isEmpty() ? "" : at + ": ") + (value == null ? "missing" : "expected a mapping"));
            return null;
        }

        List<?> list(Object value, String at) {
            if (value instanceof List<?> l) {
                return l;
            }
            problems.add(where + ": " + at + ": " + (value == null ? "missing" : "expected a list"));
            return null;
        }

        String text(Map<?, ?> map, String key, Pattern valid) {
            return text(map, key, key, valid);
        }

        String text(Map<?, ?> map, String at, String key, Pattern valid) {
            Object value = map.get(key);
            if (!(value instanceof String s)) {
                problems.add(where + ": " + at + ": " + (value == null ? "missing" : "expected a string"));
                return null;
            }
            if (valid != null && !valid.matcher(s).matches()) {
                problems.add(where + ": " + at + ": \"" + DebPackage.printable(s) + "\" is not valid (expected " + valid.pattern() + ")");
                return null;
            }
            return s;
        }

        Long number(Map<?, ?> map, String at, String key) {
            Object value = map.get(key);
            if (value instanceof Integer || value instanceof Long) {
                long n = ((Number) value).longValue();
                if (n >= 0) {
                    return n;
                }
            }
            problems.add(where + ": " + at + ": " + (value == null ? "missing" : "expected a size in bytes"));
            return null;
        }

        List<String> strings(Object value, String at, Pattern valid) {
            List<?> l = list(value, at);
            List<String> out = new ArrayList<>();
            for (int i = 0; l != null && i < l.size(); i++) {
                if (!(l.get(i) instanceof String s) || valid != null && !valid.matcher(s).matches()) {
                    problems.add(where + ": " + at + "[" + i + "]: \"" + DebPackage.printable(String.valueOf(l.get(i))) + "\" is not valid");
                } else {
                    out.add(s);
                }
            }
            return out;
        }
    }
}
