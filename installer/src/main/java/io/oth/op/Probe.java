package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fact: a shell snippet that reads state and prints it, and nothing else (probes run side by side).
 * Many probes run as one script in one SSH session; {@link #parse} splits the output back per probe.
 * {@code waits}: the probe may wait on the network (a connection, a name lookup) up to a timeout of its
 * own, so {@link #concurrentScript} runs it beside the others rather than in line with them.
 * {@code inShell}: the probe runs in the script's own shell, not in a subshell of its own
 * ({@link #inShell(String, String)}).
 */
public record Probe(String key, String script, boolean waits, FileState file, Tcp tcp, boolean inShell) {
    private static final String MARK = "@@oth-probe";
    /**
     * Where a node keeps the sums of the large files oth reads whole, between runs
     * ({@link #concurrentScript(List, Optional)}): a cache, which any run may fill or drop (FHS's
     * /var/cache), so even a no-op may write it.
     */
    public static final String SUMS = "/var/cache/oth/file-sums";
    /** The smallest file whose sum is kept: below it, summing costs less than keeping; and no secret file is that large. */
    static final long KEPT_FROM_BYTES = 1 << 20;
    /**
     * The shell variable naming {@link #concurrentScript}'s directory of outputs: a name no probe
     * uses, as {@link #inShell} probes run in the shell that writes to it.
     */
    private static final String DIR = "_oth_d";
    /**
     * The room a probe round's temporary directory must have: a directory that mktemp can still make
     * on a file system with no room left for its answers (a full /tmp whose inodes are not used up)
     * would lose every answer, and each check would report what it did not see.
     */
    static final int ROOM_KIB = 64;
    /** What a {@link #concurrentScript} says on stderr, answering nothing, where it cannot make its temporary directory. */
    static final String NO_TEMP_DIR = "no room for a temporary directory on the node (none with " + ROOM_KIB + " KiB free in /tmp, /dev/shm or /run): is its disk full?";
    /** What a batch of {@link Tcp} probes waits beyond their own time limit (see {@link #connections}). */
    static final int LAUNCH_SECONDS = 2;
    /** Between a scope and a key: scopes never contain it, so the first one ends the scope. */
    private static final char SCOPE = '|';
    private static final Pattern SECTION = Pattern.compile(
            "(?s)" + MARK + " (\\S+)\\n(.*?)\\n" + MARK + "-rc (\\d+)\\n");

    /** A probe that only reads the node's own state (files, processes, local tools): it never waits long. */
    public Probe(String key, String script) {
        this(key, script, false, null, null, false);
    }

    /** A probe that may wait on the network up to a timeout of its own (see {@link #waits}). */
    public static Probe waiting(String key, String script) {
        return new Probe(key, script, true, null, null, false);
    }

    /**
     * A probe run in the script's own shell rather than in a subshell: on the nodes oth reaches, a
     * subshell costs about as much CPU as starting a small program, and most probes of a round are
     * a few shell builtins. {@code script} must not {@code exit}, change directory or shell options,
     * or read a variable or positional parameter it did not set itself; it may set them (every
     * in-shell probe sets what it reads first).
     */
    public static Probe inShell(String key, String script) {
        return new Probe(key, script, false, null, null, true);
    }

    /**
     * A TCP connection to {@code host:port} made with bash's {@code /dev/tcp}, given up after
     * {@code seconds} (exit code 124); otherwise bash's exit code and its message (connection
     * refused, no route, a name that does not resolve). {@code script} makes it on its own; {@link
     * #concurrentScript} makes all of a node's with one {@code timeout} and one bash, each in a
     * process of its own: a doctor at 10 app nodes makes about 140, and a timeout and a bash of
     * their own cost each about ten times what a subshell does.
     */
    public record Tcp(String host, int port, int seconds) {
    }

    /** A {@link Tcp} probe. */
    public static Probe connect(String key, String host, int port, int seconds) {
        return new Probe(key, "timeout " + seconds + " bash -c " + Command.quote("exec 3<>/dev/tcp/" + host + "/" + port), true, null,
                new Tcp(host, port, seconds), false);
    }

    /**
     * A file's state as {@link FileOp} compares it: its sha256 and {@code owner:group mode}, or
     * {@code absent}; with {@code wanted}, the sha256 it should have, also its content when that
     * differs (for the diff). {@code script} prints the same on its own; {@link #concurrentScript}
     * reads every file of a node with one {@code stat} and one {@code sha256sum} instead, where a
     * no-op's probe round would otherwise start two processes per file.
     */
    public record FileState(String path, Optional<String> wanted) {
    }

    /** A {@link FileState} probe: {@code script} prints what the batch prints for this file. */
    public static Probe file(String key, String script, String path, Optional<String> wanted) {
        return new Probe(key, script, false, new FileState(path, wanted), null, false);
    }

    /**
     * {@code probes} with each key once (its first probe): operations that read the same fact (two
     * accounts on one MinIO, whether it runs) ask it once. A key names one fact, so its probes are alike.
     */
    public static List<Probe> distinct(List<Probe> probes) {
        Set<String> seen = new java.util.HashSet<>();
        return probes.stream().filter(p -> seen.add(p.key)).toList();
    }

    /** What a probe printed (stdout and stderr together) and its exit code. */
    public record Answer(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** The line that starts a probe's section of the output ({@link #SECTION}). */
    private static String opening(String key) {
        return "printf '%s %s\\n' '" + MARK + "' '" + key + "'";
    }

    /** The line that ends a probe's section: its exit code, {@code rc} a shell word. */
    private static String closing(String rc) {
        return "printf '\\n%s %s\\n' '" + MARK + "-rc' " + rc;
    }

    /** One script that runs every probe and marks where each one's output starts and ends. */
    public static String script(List<Probe> probes) {
        StringBuilder script = new StringBuilder();
        for (Probe p : probes) {
            script.append(opening(p.key)).append('\n').append(p.body()).append('\n').append(closing("\"$?\"")).append('\n');
        }
        return script.toString();
    }

    /** The probe's script, its output and errors together, reading nothing: in a subshell unless {@link #inShell}. */
    private String body() {
        return inShell ? "{ " + script + "\n} 2>&1 </dev/null" : "( " + script + "\n) 2>&1 </dev/null";
    }

    /**
     * Like {@link #script}, but as long as its slowest waiting probe rather than the sum of all: each
     * probe that {@link #waits} runs in the background, beside one background lane that runs the others
     * one after another. Those read local state in milliseconds, and run side by side they cost more
     * CPU than in line (a doctor run at 10 app nodes starts a few hundred probes at once, on nodes
     * that may share cores with the application); processes matter here.
     */
    public static String concurrentScript(List<Probe> probes) {
        return concurrentScript(probes, Optional.empty());
    }

    /**
     * {@link #concurrentScript(List)}, keeping the sums of the large files it reads whole ({@link FileState}
     * without a wanted content, of at least {@link #KEPT_FROM_BYTES}: release bundles) in {@code sums} on
     * the node between runs ({@link #files}); a run that changes nothing (a plan) passes none.
     */
    public static String concurrentScript(List<Probe> probes, Optional<String> sums) {
        // Each probe writes its whole section (mark, output, exit code) to its own file; one cat
        // prints them all at the end.
        // Without a temporary directory (a full /tmp), "$_oth_d/0" would be "/0": nothing is written or printed then.
        // The first of /tmp, /dev/shm and /run where a directory can be made and ROOM_KIB written (and removed again).
        StringBuilder script = new StringBuilder(DIR + "=; for _oth_p in \"${TMPDIR:-/tmp}\" /dev/shm /run; do _oth_t=$(mktemp -d -p \"$_oth_p\" 2>/dev/null) || continue;"
                + " if head -c " + ROOM_KIB * 1024 + " /dev/zero 2>/dev/null >\"$_oth_t/.room\"; then rm -f \"$_oth_t/.room\"; " + DIR + "=$_oth_t; break; fi;"
                + " rm -rf \"$_oth_t\"; done\nif [ -n \"$" + DIR + "\" ]; then\n");
        StringBuilder lane = new StringBuilder(files(probes.stream().filter(p -> p.file != null).toList(), sums));
        probes.stream().filter(p -> p.tcp != null).collect(Collectors.groupingBy(p -> p.tcp.seconds(), TreeMap::new, Collectors.toList()))
                .forEach((seconds, connects) -> script.append(connections(seconds, connects)));
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            if (p.file != null || p.tcp != null) {
                continue;
            }
            StringBuilder to = p.waits ? script : lane;
            to.append("{ ").append(opening(p.key)).append("; ").append(p.body()).append("; ").append(closing("\"$?\""))
                    .append("; } >\"$_oth_d/").append(i).append('"').append(p.waits ? " &\n" : "\n");
        }
        if (!lane.isEmpty()) {
            script.append("{\n").append(lane).append("} &\n");
        }
        return script.append("wait\ncat \"$_oth_d\"/*\nrm -rf \"$_oth_d\"\nelse echo ").append(Command.quote(NO_TEMP_DIR)).append(" >&2; false; fi\n").toString();
    }

    /**
     * The sections of these {@link Tcp} probes (all given up after {@code seconds}), as each one's own
     * script prints them: one {@code timeout} over one bash that makes every connection in a
     * subshell of its own, side by side; each writes what bash said and its exit code to files of
     * its own. {@code timeout} ends the whole process group, so a connection still waiting then has
     * no exit code, and gets 124 as its own {@code timeout} would have given it. Its clock starts
     * before the first connection does, and on a node short of CPU the bash may take a while to start
     * the last one: {@link #LAUNCH_SECONDS} more keep every connection's own wait at least
     * {@code seconds} (a connection that a loaded node makes in four seconds is open, not filtered).
     */
    private static String connections(int seconds, List<Probe> probes) {
        StringBuilder script = new StringBuilder("{ timeout ").append(seconds + LAUNCH_SECONDS).append(" bash -c ")
                .append(Command.quote("f=$1; shift; i=0; for t; do ( exec 2>\"$f$i\" 3<>\"/dev/tcp/${t%/*}/${t##*/}\"; echo $? >\"$f$i.rc\" ) & i=$((i+1)); done; wait"))
                .append(" bash \"$_oth_d/.tcp").append(seconds).append("-\"");
        for (Probe p : probes) {
            script.append(' ').append(Command.quote(p.tcp.host() + "/" + p.tcp.port()));
        }
        script.append(" 2>/dev/null; t=$?; [ $t = 0 ] && t=124\n");
        for (int i = 0; i < probes.size(); i++) {
            String out = "\"$_oth_d/.tcp" + seconds + "-" + i + "\"";
            String rc = "\"$_oth_d/.tcp" + seconds + "-" + i + ".rc\"";
            // An exit code file may exist empty: timeout ended the connection's subshell between creating it and writing.
            script.append(opening(probes.get(i).key)).append("; r=; ")
                    .append("[ -f ").append(rc).append(" ] && read -r r <").append(rc).append("; case $r in ''|*[!0-9]*) r=$t ;; esac; ")
                    .append("[ -f ").append(out).append(" ] && while IFS= read -r l || [ -n \"$l\" ]; do printf '%s\\n' \"$l\"; done <").append(out).append("; ")
                    .append(closing("\"$r\"")).append('\n');
        }
        return script.append("} >\"$_oth_d/tcp").append(seconds).append("\" </dev/null &\n").toString();
    }

    /**
     * The sections of every {@link FileState} probe, from one {@code stat} and one {@code sha256sum}
     * over all their files (each file once, however many probes read it), written to the script's
     * {@code $_oth_d/files}; a text file's content is printed only where its sha256 is not the one wanted.
     *
     * <p>With {@code sums} (a file on the node), a file read whole (no wanted content) of at least
     * {@link #KEPT_FROM_BYTES} (a release bundle of hundreds of MB, whose sum a no-op would otherwise
     * compute again on every node) is summed only when its identity changed since a run kept its sum
     * there: device, inode, size, and modification and change times to the nanosecond ({@code stat}'s {@code %.9Y %.9Z}). Any
     * write changes the change time, which no program can set back; a sum is kept only for a file
     * whose change time is two seconds old, so that a write in the same clock tick as the
     * {@code stat} cannot leave a stale sum behind. The node's own word is what every probe rests on
     * anyway: a node that lies about a sum could lie about the file.
     */
    private static String files(List<Probe> probes, Optional<String> sums) {
        if (probes.isEmpty()) {
            return "";
        }
        List<String> paths = probes.stream().map(p -> p.file.path()).distinct().toList();
        Set<String> whole = paths.stream().filter(path -> probes.stream().noneMatch(p -> p.file.path().equals(path) && p.file.wanted().isPresent()))
                .collect(Collectors.toSet());
        List<Integer> kept = sums.isEmpty() ? List.of() : java.util.stream.IntStream.range(0, paths.size()).filter(i -> whole.contains(paths.get(i))).boxed().toList();
        String quoted = String.join(" ", paths.stream().map(Command::quote).toList());
        // Only regular files are summed, as FileOp's own probe does ([ -f ]): a FIFO would block sha256sum.
        StringBuilder batch = new StringBuilder("{ set --; for f in ").append(quoted).append("; do [ -f \"$f\" ] && set -- \"$@\" \"$f\"; done\n")
                .append("if [ $# -gt 0 ]; then stat -c '%U:%G %a|%d:%i:%s:%.9Y:%.9Z|%n' -- \"$@\" >\"$_oth_d/.stat\" 2>/dev/null; else : >\"$_oth_d/.stat\"; fi\n");
        StringBuilder metas = new StringBuilder();
        StringBuilder sumCases = new StringBuilder();
        for (int i = 0; i < paths.size(); i++) {
            String q = Command.quote(paths.get(i));
            batch.append("m").append(i).append("= h").append(i).append("= i").append(i).append("=; ");
            metas.append(q).append(") m").append(i).append("=$m i").append(i).append("=$i ;; ");
            sumCases.append(q).append(") h").append(i).append("=$h ;; ");
        }
        batch.append("\nwhile IFS='|' read -r m i n; do case $n in ").append(metas).append("esac; done <\"$_oth_d/.stat\"\n");
        if (!kept.isEmpty()) {
            StringBuilder known = new StringBuilder();
            for (int i : kept) {
                known.append(Command.quote(paths.get(i))).append(") [ \"$i\" = \"$i").append(i).append("\" ] && h").append(i).append("=$h ;; ");
            }
            batch.append("[ -f ").append(Command.quote(sums.get())).append(" ] && while read -r i h n; do case $n in ").append(known)
                    .append("esac; done <").append(Command.quote(sums.get())).append('\n');
        }
        // What is left to sum: every file that exists and has no sum kept for its identity. The sums
        // file is written again only when a file large enough to be kept in it was summed.
        batch.append("set --; k=");
        for (int i = 0; i < paths.size(); i++) {
            batch.append("; [ -n \"$i").append(i).append("\" ] && [ -z \"$h").append(i).append("\" ] && { set -- \"$@\" ").append(Command.quote(paths.get(i)))
                    .append(kept.contains(i) ? "; z=${i" + i + "#*:*:}; [ \"${z%%:*}\" -ge " + KEPT_FROM_BYTES + " ] && k=1; }" : "; }");
        }
        batch.append("\nif [ $# -gt 0 ]; then sha256sum -- \"$@\" >\"$_oth_d/.sums\" 2>/dev/null; else : >\"$_oth_d/.sums\"; fi\n")
                .append("while read -r h n; do case $n in ").append(sumCases).append("esac; done <\"$_oth_d/.sums\"\n");
        if (!kept.isEmpty()) {
            String file = Command.quote(sums.get());
            String dir = sums.get().substring(0, Math.max(1, sums.get().lastIndexOf('/')));
            batch.append("if [ -n \"$k\" ] && mkdir -p -m 0700 ").append(Command.quote(dir)).append(" 2>/dev/null; then t=$(date +%s); { ");
            for (int i : kept) {
                String id = "\"$i" + i + "\"";
                batch.append("c=${i").append(i).append("##*:}; z=${i").append(i).append("#*:*:}; z=${z%%:*}; [ -n \"$h").append(i)
                        .append("\" ] && [ \"$z\" -ge ").append(KEPT_FROM_BYTES).append(" ] && [ $((t - ${c%%.*})) -ge 2 ] && printf '%s %s %s\\n' ")
                        .append(id).append(" \"$h").append(i).append("\" ").append(Command.quote(paths.get(i))).append("; ");
            }
            batch.append(":; } 2>/dev/null >").append(file).append(".new && mv -f ").append(file).append(".new ").append(file).append(" 2>/dev/null; fi\n");
        }
        for (Probe p : probes) {
            int i = paths.indexOf(p.file.path());
            String h = "\"$h" + i + "\"";
            String m = "\"$m" + i + "\"";
            batch.append(opening(p.key)).append("; if [ -z ").append(h).append(" ]; then echo absent; ");
            if (p.file.wanted().isPresent()) {
                batch.append("elif [ ").append(h).append(" = ").append(p.file.wanted().get()).append(" ]; then printf '%s\\n%s\\n' ").append(h).append(' ').append(m)
                        .append("; else printf -- '-\\n%s\\n' ").append(m).append("; cat -- ").append(Command.quote(p.file.path()))
                        .append(" 2>&1; echo .; fi; ");
            } else {
                batch.append("else printf '%s  -\\n%s\\n' ").append(h).append(' ').append(m).append("; fi; ");
            }
            batch.append(closing("0")).append('\n');
        }
        return batch.append("} >\"$_oth_d/files\" </dev/null\n").toString();
    }

    /**
     * This probe under {@code scope} ({@code database|file:/etc/x}): probes of several phases run in
     * one script, and two phases may read the same key with different scripts.
     */
    public Probe scoped(String scope) {
        if (scope.isEmpty() || scope.indexOf(SCOPE) >= 0 || scope.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not a probe scope: " + scope);
        }
        return new Probe(scope + SCOPE + key, script, waits, file, tcp, inShell);
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

    /**
     * What a probe gets whose section the node's output lacks ({@link #answered}): a failure that
     * says so, with an exit code no shell gives.
     */
    public static final Answer UNANSWERED = new Answer(-1, "the node's output has no answer for this probe");

    /**
     * The answers in {@code output}, with {@link #UNANSWERED} for each probe of {@code asked} that has
     * no section there (a node cut short, or one that leaves sections out): a report then says that
     * check failed and why, rather than the run failing as a whole.
     */
    public static Map<String, Answer> answered(String output, List<Probe> asked) {
        Map<String, Answer> answers = parse(output);
        asked.forEach(p -> answers.putIfAbsent(p.key, UNANSWERED));
        return answers;
    }

    /**
     * The answers in {@code output} to every probe of {@code asked}, or the node's facts refused: a
     * phase plans from all of them, and a node that leaves one out is not one to configure from.
     */
    public static Map<String, Answer> parseAll(String host, String output, List<Probe> asked) throws RemoteException {
        Map<String, Answer> answers = parse(output);
        List<String> missing = asked.stream().map(Probe::key).filter(k -> !answers.containsKey(k)).distinct().toList();
        if (!missing.isEmpty()) {
            throw new RemoteException(host, Failure.FACT_REFUSED, "the node's output has no answer for " + missing.size() + " probe(s): "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : ""));
        }
        return answers;
    }

    /**
     * {@code r}, the run of a {@link #concurrentScript}, unless it could not run its probes for want
     * of a temporary directory: then that, rather than every probe unanswered.
     */
    public static CommandResult ran(String host, CommandResult r) throws RemoteException {
        if (!r.ok() && r.stderr().contains(NO_TEMP_DIR)) {
            throw new RemoteException(host, Failure.COMMAND_FAILED, "the probes did not run: " + NO_TEMP_DIR);
        }
        return r;
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
