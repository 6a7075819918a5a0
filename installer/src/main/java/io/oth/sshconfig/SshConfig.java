package io.oth.sshconfig;

import io.oth.input.InputFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The user's OpenSSH client configuration ({@code ~/.ssh/config}, ssh_config(5)), read as hostile
 * input and as OpenSSH reads it: {@code Host} blocks with {@code *}, {@code ?} and {@code !}
 * patterns, the first value obtained for a keyword wins (IdentityFile adds up), {@code Include}
 * with globs. oth uses HostName, Port, User, IdentityFile, IdentitiesOnly and ProxyJump; every
 * other keyword is ignored, as OpenSSH ignores what it does not know under {@code IgnoreUnknown}.
 * {@code Match} blocks are not evaluated: their settings are ignored, with a warning.
 */
public final class SshConfig {
    /** No file: the site file and oth's defaults alone. */
    public static final SshConfig NONE = new SshConfig("none", List.of(), List.of());
    /** A user's ssh_config is a few KiB; larger than this, it is not one. */
    public static final int LIMIT = 1 << 20;
    /** Include within Include: OpenSSH stops at 16; a user's files never nest this deep. */
    static final int MAX_DEPTH = 8;
    /** Files read in all, through Include. */
    static final int MAX_FILES = 64;
    private static final Pattern TOKEN = Pattern.compile("%(.)");
    private static final String IDENTITY_TOKENS = "%dhnpru";

    private final String name;
    private final List<Entry> entries;
    private final List<String> warnings;

    private SshConfig(String name, List<Entry> entries, List<String> warnings) {
        this.name = name;
        this.entries = List.copyOf(entries);
        this.warnings = List.copyOf(warnings);
    }

    /** One setting and the Host block it is under ({@code null} patterns: before any Host line, for every host; {@code Match}: for none). */
    private record Entry(List<String> patterns, boolean match, String keyword, String value, String where) {
        boolean appliesTo(String host) {
            return !match && (patterns == null || SshConfig.matches(patterns, host));
        }
    }

    /**
     * Reads {@code file} and what it includes; {@code home} is the user's home: {@code ~} in paths,
     * and {@code ~/.ssh} for an Include that is not absolute. Throws with every problem that
     * matters (a value oth uses that it cannot read, a quote never closed), each as FILE:LINE.
     */
    public static SshConfig read(Path file, Path home) throws SshConfigException {
        Reader reader = new Reader(home);
        reader.file(file, null, false, 0, null);
        if (!reader.problems.isEmpty()) {
            throw new SshConfigException(reader.problems);
        }
        return new SshConfig(file.toString(), reader.entries, reader.warnings);
    }

    /** The file that was read, or "none". */
    public String name() {
        return name;
    }

    /** What was ignored and the user should know: each as FILE:LINE: warning: ... */
    public List<String> warnings() {
        return warnings;
    }

    /** What the configuration says for {@code host}, the name as oth dials it. */
    public HostConfig lookup(String host) {
        Optional<String> hostName = Optional.empty();
        Optional<Integer> port = Optional.empty();
        Optional<String> user = Optional.empty();
        Optional<List<Jump>> proxyJump = Optional.empty();
        Optional<Boolean> identitiesOnly = Optional.empty();
        List<String> identityFiles = new ArrayList<>();
        for (Entry e : entries) {
            if (!e.appliesTo(host)) {
                continue;
            }
            switch (e.keyword) {
                case "hostname" -> hostName = hostName.or(() -> Optional.of(expandHost(e.value, host)));
                case "port" -> port = port.or(() -> port(e.value));
                case "user" -> user = user.or(() -> Optional.of(e.value));
                case "proxyjump" -> proxyJump = proxyJump.or(() -> Optional.of(Jump.parseList(e.value)));
                case "identitiesonly" -> identitiesOnly = identitiesOnly.or(() -> Optional.of(e.value.equalsIgnoreCase("yes")));
                case "identityfile" -> identityFiles.add(e.value);
                default -> {
                }
            }
        }
        return new HostConfig(host, hostName, port, user, identityFiles, proxyJump, identitiesOnly);
    }

    /**
     * Whether {@code host} matches a Host line's {@code patterns}: at least one pattern matches and
     * no negated one does, case-insensitively (a negated pattern alone selects nothing).
     */
    static boolean matches(List<String> patterns, String host) {
        boolean matched = false;
        String h = host.toLowerCase(Locale.ROOT);
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            String p = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
            if (glob(p, 0, h, 0)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** {@code *} any run of characters, {@code ?} one character; iterative on the last star, so no pattern takes exponential time. */
    private static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    static Optional<Integer> port(String text) {
        if (!text.matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    /** HostName takes %h (the name given) and %%. */
    private static String expandHost(String value, String host) {
        return TOKEN.matcher(value).replaceAll(m -> m.group(1).equals("h") ? java.util.regex.Matcher.quoteReplacement(host) : "%");
    }

    /**
     * An IdentityFile as OpenSSH expands it: {@code ~} the home directory, %d the home directory,
     * %h the host name dialled, %n the name as given, %p the port, %r the remote user, %u the local
     * user, %% a percent sign. The tokens were checked when the file was read.
     */
    static Path expandIdentity(String value, Path home, String given, String hostName, int port, String remoteUser) {
        String path = value.equals("~") ? home.toString() : value.startsWith("~/") ? home + value.substring(1) : value;
        String expanded = TOKEN.matcher(path).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(switch (m.group(1)) {
            case "d" -> home.toString();
            case "h" -> hostName;
            case "n" -> given;
            case "p" -> String.valueOf(port);
            case "r" -> remoteUser;
            case "u" -> System.getProperty("user.name");
            default -> "%";
        }));
        Path p = Path.of(expanded);
        return p.isAbsolute() ? p : home.resolve(p);
    }

    /** Reads files line by line, following Include, collecting entries, warnings and problems. */
    private static final class Reader {
        private final Path home;
        final List<Entry> entries = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        private int files;

        Reader(Path home) {
            this.home = home;
        }

        /** {@code patterns}/{@code match}: the block the file is included in, which its first lines belong to. */
        void file(Path file, List<String> patterns, boolean match, int depth, String includedAt) {
            if (++files > MAX_FILES) {
                problems.add(includedAt + ": more than " + MAX_FILES + " files included (expected fewer; is a file including itself?)");
                return;
            }
            String text;
            try {
                text = InputFiles.readText(file, LIMIT, "an OpenSSH client configuration file");
            } catch (InputFiles.Refused e) {
                problems.add((includedAt == null ? "" : includedAt + ": ") + e.getMessage());
                return;
            }
            List<String> current = patterns;
            boolean inMatch = match;
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String where = file + ":" + (i + 1);
                List<String> words;
                try {
                    words = words(lines[i]);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                if (words.isEmpty()) {
                    continue;
                }
                String keyword = words.get(0).toLowerCase(Locale.ROOT);
                List<String> args = words.subList(1, words.size());
                switch (keyword) {
                    case "host" -> {
                        if (args.isEmpty()) {
                            problems.add(where + ": Host has no pattern (expected one or more host patterns)");
                        }
                        current = List.copyOf(args);
                        inMatch = false;
                    }
                    case "match" -> {
                        warnings.add(where + ": warning: Match is not evaluated by oth; the settings of this block are ignored");
                        current = List.of();
                        inMatch = true;
                    }
                    case "include" -> include(args, current, inMatch, depth, where);
                    case "hostname", "port", "user", "identityfile", "identitiesonly", "proxyjump" -> {
                        Optional<String> problem = check(keyword, args);
                        if (problem.isPresent()) {
                            problems.add(where + ": " + words.get(0) + ": " + problem.get());
                        } else {
                            entries.add(new Entry(current, inMatch, keyword, args.get(0), where));
                        }
                    }
                    default -> {
                        // Unknown here, or a keyword oth does not use: ignored.
                    }
                }
            }
        }

        private void include(List<String> args, List<String> patterns, boolean match, int depth, String where) {
            if (args.isEmpty()) {
                problems.add(where + ": Include names no file (expected one or more paths or globs)");
                return;
            }
            if (depth + 1 > MAX_DEPTH) {
                problems.add(where + ": Include nested more than " + MAX_DEPTH + " deep (expected fewer; is a file including itself?)");
                return;
            }
            for (String arg : args) {
                String path = arg.startsWith("~/") ? home + arg.substring(1) : arg;
                Path p = Path.of(path);
                Path resolved = p.isAbsolute() ? p : home.resolve(".ssh").resolve(p);
                for (Path file : glob(resolved)) {
                    file(file, patterns, match, depth + 1, where);
                }
            }
        }

        /** The files a path with glob characters in its last part names, sorted as glob(3) sorts them; nothing when none exists. */
        private List<Path> glob(Path path) {
            String last = path.getFileName() == null ? "" : path.getFileName().toString();
            if (!last.matches(".*[*?\\[].*")) {
                return Files.exists(path) ? List.of(path) : List.of();
            }
            List<Path> found = new ArrayList<>();
            Path dir = path.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                return List.of();
            }
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, last)) {
                stream.forEach(found::add);
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
            found.sort(null);
            return found;
        }

        /** What is wrong with the arguments of a keyword oth uses, if anything. */
        private static Optional<String> check(String keyword, List<String> args) {
            if (args.isEmpty()) {
                return Optional.of("has no value");
            }
            String value = args.get(0);
            return switch (keyword) {
                case "port" -> port(value).isPresent() ? Optional.empty()
                        : Optional.of('"' + value + "\" is not a port (expected an integer from 1 to 65535)");
                case "identitiesonly" -> value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("no") ? Optional.empty()
                        : Optional.of('"' + value + "\" (expected yes or no)");
                case "identityfile" -> tokens(value, IDENTITY_TOKENS);
                case "hostname" -> tokens(value, "%h");
                case "proxyjump" -> {
                    try {
                        Jump.parseList(value);
                        yield Optional.empty();
                    } catch (IllegalArgumentException e) {
                        yield Optional.of(e.getMessage());
                    }
                }
                default -> Optional.empty();
            };
        }

        private static Optional<String> tokens(String value, String allowed) {
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) == '%') {
                    if (i + 1 == value.length() || allowed.indexOf(value.charAt(i + 1)) < 0) {
                        String found = i + 1 == value.length() ? "%" : "%" + value.charAt(i + 1);
                        return Optional.of('"' + value + "\" has the token " + found + " (expected only "
                                + String.join(" ", allowed.chars().mapToObj(c -> "%" + (char) c).toList()) + ")");
                    }
                    i++;
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A line's words as OpenSSH splits them: the keyword ends at whitespace or {@code =}; words are
     * separated by whitespace, may be quoted with double quotes; a word starting with {@code #} ends the line.
     */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        String s = line.strip();
        int i = 0;
        int n = s.length();
        // The keyword, and an optional "=" after it.
        int k = 0;
        while (k < n && !Character.isWhitespace(s.charAt(k)) && s.charAt(k) != '=') {
            k++;
        }
        if (k == 0 || s.charAt(0) == '#') {
            return words;
        }
        words.add(s.substring(0, k));
        i = k;
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == '=') {
            i++;
        }
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n || s.charAt(i) == '#') {
                return words;
            }
            StringBuilder word = new StringBuilder();
            if (s.charAt(i) == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("a quote is opened and never closed (expected \"...\")");
                }
                word.append(s, i + 1, close);
                i = close + 1;
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    word.append(s.charAt(i++));
                }
            }
            words.add(word.toString());
        }
    }
}
