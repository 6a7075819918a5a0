package io.oth.op;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fact: a shell snippet that reads state and prints it. The probes of one host and phase run as
 * one script in one SSH session; {@link #parse} splits the output back per probe.
 */
public record Probe(String key, String script) {
    private static final String MARK = "@@oth-probe";
    private static final Pattern SECTION = Pattern.compile(
            "(?s)" + MARK + " (\\S+)\\n(.*?)\\n" + MARK + "-rc (\\d+)\\n");

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
     * Like {@link #script}, but the probes run at the same time (each in the background, output to
     * a private temporary directory): the script takes as long as its slowest probe.
     */
    public static String concurrentScript(List<Probe> probes) {
        // Each background job writes its whole section (mark, output, exit code) to its own file;
        // one cat prints them all at the end. Processes matter here: a doctor run at 10 app nodes
        // starts a few hundred probes at once.
        StringBuilder script = new StringBuilder("d=$(mktemp -d)\n");
        for (int i = 0; i < probes.size(); i++) {
            script.append("{ printf '%s %s\\n' '").append(MARK).append("' '").append(probes.get(i).key).append("'; ( ")
                    .append(probes.get(i).script).append("\n) 2>&1 </dev/null; printf '\\n%s %s\\n' '").append(MARK)
                    .append("-rc' \"$?\"; } >\"$d/").append(i).append("\" &\n");
        }
        return script.append("wait\ncat \"$d\"/*\nrm -rf \"$d\"\n").toString();
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
