package io.oth.install.offline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One .deb of an offline bundle: its name in the bundle, size, sha256, and the control fields apt
 * needs to choose it (name, version, architecture and its relations), read from the .deb when the
 * bundle was made. Every value is checked: it ends up in an apt index on a node.
 */
public record DebPackage(String file, long size, String sha256, Map<String, String> control) {
    /** The control fields kept, in the order a Packages index lists them; the first three are required. */
    public static final List<String> FIELDS = List.of("Package", "Version", "Architecture", "Multi-Arch", "Essential", "Priority", "Section",
            "Source", "Installed-Size", "Pre-Depends", "Depends", "Recommends", "Suggests", "Provides", "Conflicts", "Breaks", "Replaces", "Enhances");
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]{0,127}");
    public static final Pattern VERSION = Pattern.compile("([0-9]{1,9}:)?[A-Za-z0-9][A-Za-z0-9.+~-]{0,127}");
    public static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** A control value oth passes on: one line of printable ASCII (relations, sizes, a section name). */
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]{1,8192}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern FILE = Pattern.compile("debs/[A-Za-z0-9][A-Za-z0-9+.~_%-]{0,250}\\.deb");

    /** The package's fields, checked; {@code where} names them in a message. */
    public static DebPackage of(String file, long size, String sha256, Map<String, String> fields, String where) throws InvalidException {
        List<String> problems = new ArrayList<>();
        if (!FILE.matcher(file).matches()) {
            problems.add(where + ": file: \"" + printable(file) + "\" is not a .deb name below debs/");
        }
        if (size < 0) {
            problems.add(where + ": size: negative");
        }
        if (!SHA256.matcher(sha256).matches()) {
            problems.add(where + ": sha256: not 64 lower-case hex digits");
        }
        Map<String, String> control = new LinkedHashMap<>();
        for (String field : FIELDS) {
            String value = fields.get(field);
            if (value == null) {
                continue;
            }
            if (!VALUE.matcher(value).matches()) {
                problems.add(where + ": " + field + ": not one line of printable ASCII (up to 8192 characters)");
                continue;
            }
            control.put(field, value);
        }
        for (String field : fields.keySet()) {
            if (!FIELDS.contains(field)) {
                problems.add(where + ": " + printable(field) + ": a control field oth does not keep");
            }
        }
        check(control, "Package", NAME, where, problems);
        check(control, "Version", VERSION, where, problems);
        check(control, "Architecture", ARCHITECTURE, where, problems);
        if (!problems.isEmpty()) {
            throw new InvalidException(problems);
        }
        return new DebPackage(file, size, sha256, Map.copyOf(control));
    }

    private static void check(Map<String, String> control, String field, Pattern valid, String where, List<String> problems) {
        String value = control.get(field);
        if (value == null) {
            problems.add(where + ": " + field + ": missing");
        } else if (!valid.matcher(value).matches()) {
            problems.add(where + ": " + field + ": \"" + value + "\" is not valid (expected " + valid.pattern() + ")");
        }
    }

    public String name() {
        return control.get("Package");
    }

    public String version() {
        return control.get("Version");
    }

    public String architecture() {
        return control.get("Architecture");
    }

    /** The names this package satisfies a dependency on: its own and those it provides. */
    public List<String> satisfies() {
        List<String> names = new ArrayList<>(List.of(name()));
        relation("Provides").forEach(group -> names.addAll(group));
        return names;
    }

    /** What it needs installed before it can be configured: Pre-Depends, then Depends. */
    public List<List<String>> dependencies() {
        List<List<String>> groups = new ArrayList<>(relation("Pre-Depends"));
        groups.addAll(relation("Depends"));
        return groups;
    }

    /** A relation field as groups of alternatives, package names only ({@code a (>= 1) | b:any} is {@code [a, b]}). */
    public List<List<String>> relation(String field) {
        return parseRelation(Optional.ofNullable(control.get(field)).orElse(""));
    }

    static List<List<String>> parseRelation(String value) {
        List<List<String>> groups = new ArrayList<>();
        for (String group : value.split(",")) {
            List<String> alternatives = new ArrayList<>();
            for (String alternative : group.split("\\|")) {
                String name = alternative.strip().replaceFirst("[\\s(\\[<].*$", "").replaceFirst(":.*$", "");
                if (!name.isEmpty()) {
                    alternatives.add(name);
                }
            }
            if (!alternatives.isEmpty()) {
                groups.add(alternatives);
            }
        }
        return groups;
    }

    /** This package's stanza of a Packages index whose base is the directory holding its file. */
    public String stanza() {
        StringBuilder out = new StringBuilder();
        for (String field : FIELDS) {
            String value = control.get(field);
            if (value != null) {
                out.append(field).append(": ").append(value).append('\n');
            }
        }
        out.append("Filename: ./").append(baseName()).append('\n');
        out.append("Size: ").append(size).append('\n');
        out.append("SHA256: ").append(sha256).append('\n');
        return out.toString();
    }

    /** The file's name without {@code debs/}: its name on a node too. */
    public String baseName() {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** The file name oth gives a package in a bundle: apt's {@code NAME_VERSION_ARCH.deb}, the epoch's colon as {@code %3a}. */
    public static String fileName(String name, String version, String architecture) {
        return "debs/" + name + "_" + version.replace(":", "%3a") + "_" + architecture + ".deb";
    }

    static String printable(String text) {
        return io.oth.install.BundleContents.printable(text);
    }

    /** Control fields or file data oth will not take; every problem, each naming where. */
    public static final class InvalidException extends Exception {
        private final List<String> problems;

        public InvalidException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
