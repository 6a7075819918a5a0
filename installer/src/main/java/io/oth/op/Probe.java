package io.oth.op;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fact: a shell snippet that reads state and prints it, and nothing else (probes run side by side).
 * Many probes run as one script in one SSH session; {@link #parse} splits the output back per probe.
 * {@code waits}: the probe may wait on the network (a connection, a name lookup) up to a timeout of its
 * own, so {@link #concurrentScript} runs it beside the others rather than in line with them.
 */
public record Probe(String key, String script, boolean waits) {
    private static final String MARK = "@@oth-probe";
    /** Between a scope and a key: scopes never contain it, so the first one ends the scope. */
    private static final char SCOPE = '|';
    private static final Pattern SECTION = Pattern.compile(
            "(?s)" + MARK + " (\\S+)\\n(.*?)\\n" + MARK + "-rc (\\d+)\\n");

    /** A probe that only reads the node's own state (files, processes, local tools): it never waits long. */
    public Probe(String key, String script) {
        this(key, script, false);
    }

    /** A probe that may wait on the network up to a timeout of its own (see {@link #waits}). */
    public static Probe waiting(String key, String script) {
        return new Probe(key, script, true);
    }

    /** What a probe printed (stdout and stderr together) and its exit code. */
    public record Answer(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** One script that runs every probe and marks where each one's output starts and ends. */
    public static String script(List<Probe> probes) {
        StringBuilder script = new StringBuilder();
        for (Probe p : probes) {
            script.append("printf '%s %s\\n' '").append(MARK).append("' '").append(p.key).append("'\n")
                    .append("( ").append(p.script).append("\n) 2>&1 </dev/null\n")
                    .append("printf '\\n%s %s\\n' '").append(MARK).append("-rc' \"$?\"\n");
        }
        return script.toString();
    }

    /**
     * Like {@link #script}, but as long as its slowest waiting probe rather than the sum of all: each
     * probe that {@link #waits} runs in the background, beside one background lane that runs the others
     * one after another. Those read local state in milliseconds, and run side by side they cost more
     * CPU than in line (a doctor run at 10 app nodes starts a few hundred probes at once, on nodes
     * that may share cores with the application); processes matter here.
     */
    public static String concurrentScript(List<Probe> probes) {
        // Each probe writes its whole section (mark, output, exit code) to its own file; one cat
        // prints them all at the end.
        StringBuilder script = new StringBuilder("d=$(mktemp -d)\n");
        StringBuilder lane = new StringBuilder();
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            StringBuilder to = p.waits ? script : lane;
            to.append("{ printf '%s %s\\n' '").append(MARK).append("' '").append(p.key).append("'; ( ")
                    .append(p.script).append("\n) 2>&1 </dev/null; printf '\\n%s %s\\n' '").append(MARK)
                    .append("-rc' \"$?\"; } >\"$d/").append(i).append('"').append(p.waits ? " &\n" : "\n");
        }
        if (!lane.isEmpty()) {
            script.append("{\n").append(lane).append("} &\n");
        }
        return script.append("wait\ncat \"$d\"/*\nrm -rf \"$d\"\n").toString();
    }

    /**
     * This probe under {@code scope} ({@code database|file:/etc/x}): probes of several phases run in
     * one script, and two phases may read the same key with different scripts.
     */
    public Probe scoped(String scope) {
        if (scope.isEmpty() || scope.indexOf(SCOPE) >= 0 || scope.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not a probe scope: " + scope);
        }
        return new Probe(scope + SCOPE + key, script, waits);
    }

    /** Answers of {@link #scoped} probes, by scope and then by their own keys; unscoped ones are left out. */
    public static Map<String, Map<String, Answer>> byScope(Map<String, Answer> answers) {
        Map<String, Map<String, Answer>> scopes = new HashMap<>();
        answers.forEach((key, answer) -> {
            int at = key.indexOf(SCOPE);
            if (at > 0) {
                scopes.computeIfAbsent(key.substring(0, at), s -> new HashMap<>()).put(key.substring(at + 1), answer);
            }
        });
        return scopes;
    }

    /** The key a {@link #scoped} probe had before: {@code file:/etc/x} for {@code database|file:/etc/x}. */
    public static String unscoped(String key) {
        return key.substring(key.indexOf(SCOPE) + 1);
    }

    public static Map<String, Answer> parse(String output) {
        Map<String, Answer> answers = new HashMap<>();
        Matcher m = SECTION.matcher(output);
        while (m.find()) {
            String text = m.group(2);
            answers.put(m.group(1), new Answer(Integer.parseInt(m.group(3)), text.endsWith("\n") ? text.substring(0, text.length() - 1) : text));
        }
        return answers;
    }
}
