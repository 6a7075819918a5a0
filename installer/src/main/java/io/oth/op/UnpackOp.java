package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.TempFiles;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A release bundle (.tar.gz already on the node) unpacked into its own directory, with a
 * {@code current} symlink switched to it atomically. Earlier releases stay for rollback.
 *
 * <p>oth checked the bundle's entries on its own side; the node checks that it has those bytes
 * (the sha256), unpacks into a fresh temporary directory beside {@code dir}, checks what tar made
 * of it (only regular files and directories, no setuid bits, as many files as oth saw), and only
 * then renames it into place. Any failure removes the temporary directory and leaves {@code dir}
 * as it was.
 *
 * @param bundle  the bundle's path on the node
 * @param dir     where this release is unpacked, e.g. /opt/oth-app/releases/1.0.0
 * @param current the symlink that names the running release
 * @param sha256  the bundle's checksum, verified before unpacking and recorded beside the unpacked files
 * @param files   how many regular files oth found in the bundle
 * @param notes   one-line files oth writes into the release beside the bundle's own, such as the
 *                JVM's options its manifest names: they switch with {@code current}
 */
public record UnpackOp(String bundle, String dir, String current, String sha256, int files, Set<String> notifies, List<Note> notes)
        implements Operation {
    private static final String MARK = ".oth-bundle-sha256";
    /** The prefix of the temporary directories an unpack makes beside its destination. */
    public static final String TEMP_PREFIX = TempFiles.UNPACK_MARK;
    /**
     * A temporary directory older than this was left by a killed run (no unpack takes an hour); the
     * run-start sweep removes the others' at once ({@link TempFiles#sweep}), this covers an upgrade.
     */
    private static final int STALE_MINUTES = 60;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public UnpackOp {
        parent(dir, sha256);
        notes = List.copyOf(notes);
    }

    public UnpackOp(String bundle, String dir, String current, String sha256, int files, Set<String> notifies) {
        this(bundle, dir, current, sha256, files, notifies, List.of());
    }

    /**
     * A file of one line that oth writes into an unpacked release, named {@code .oth-...} so that no
     * bundle's own file is one; what it holds was checked on oth's side (printable, at most 4 KiB).
     */
    public record Note(String name, String line) {
        private static final Pattern NAME = Pattern.compile("\\.oth-[a-z0-9-]{1,40}");
        private static final Pattern LINE = Pattern.compile("[\\x20-\\x7e]{0,4096}");

        public Note {
            if (!NAME.matcher(name).matches() || !LINE.matcher(line).matches() || name.equals(MARK)) {
                throw new IllegalArgumentException("unpack: not a note oth writes: " + name);
            }
        }

        /** Writes this note into the release tree {@code "$tree"} being made. */
        private String write(String tree) {
            return "printf '%s\\n' " + Command.quote(line) + " > \"" + tree + "/" + name + "\"";
        }

        /** Whether {@code dir} holds this note. */
        private String holds(String dir) {
            return "[ \"$(cat -- " + Command.quote(dir + "/" + name) + " 2>/dev/null)\" = " + Command.quote(line) + " ]";
        }
    }

    @Override
    public String subject() {
        return "release " + dir;
    }

    @Override
    public List<Probe> probes() {
        // Where current points, then the first line of the mark and of each note (an empty line for
        // one that is missing), read by the shell itself: each is one line that oth wrote.
        return List.of(Probe.inShell(key(), "readlink -f -- " + Command.quote(current) + firstLine(dir + "/" + MARK)
                + notes.stream().map(n -> firstLine(dir + "/" + n.name())).collect(Collectors.joining())));
    }

    private static String firstLine(String path) {
        return "; l=; { IFS= read -r l <" + Command.quote(path) + "; } 2>/dev/null; printf '%s\\n' \"$l\"";
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        List<String> lines = answers.get(key()).output().lines().toList();
        if (lines.size() >= 2 + notes.size() && lines.get(0).equals(dir) && lines.get(1).equals(sha256)
                && IntStream.range(0, notes.size()).allMatch(i -> lines.get(2 + i).equals(notes.get(i).line()))) {
            return Optional.empty();
        }
        Command unpack = Command.shell(unpack(bundle, dir, sha256, files, notes) + "; " + switchTo(dir, current));
        return Optional.of(Change.of("unpack " + bundle + " into " + dir + " and point " + current + " at it", "", notifies,
                context -> context.runOrFail(unpack, Duration.ofMinutes(2), "unpacking " + bundle)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return current + " already points at " + dir + ", unpacked from the bundle with this checksum" + (notes.isEmpty() ? "" : " and noted");
    }

    /**
     * Unpacks {@code bundle} into {@code dir} (replacing it), marked with its checksum, when the
     * bundle has that checksum and unpacks to {@code files} regular files and nothing else;
     * {@code current} is not touched. Temporary directories left by a killed run go first.
     */
    public static String unpack(String bundle, String dir, String sha256, int files) {
        return unpack(bundle, dir, sha256, files, List.of());
    }

    /** {@link #unpack(String, String, String, int)}, with {@code notes} written beside the bundle's files. */
    public static String unpack(String bundle, String dir, String sha256, int files, List<Note> notes) {
        String parent = parent(dir, sha256);
        return "set -e; umask 022; b=" + Command.quote(bundle) + "; d=" + Command.quote(dir) + "; p=" + Command.quote(parent)
                + "; mkdir -p -- \"$p\"; rm -rf -- \"$d.oth-new\""
                + "; find \"$p\" -mindepth 1 -maxdepth 1 -name '" + TEMP_PREFIX + "*' -mmin +" + STALE_MINUTES + " -exec rm -rf -- {} +"
                + "; if ! printf '%s  %s\\n' " + sha256 + " \"$b\" | sha256sum --check --strict --status -; then"
                + " echo \"$b: sha256 is $(sha256sum < \"$b\" | cut -c1-64), not " + sha256
                + " as oth checked it: damaged or altered after the upload; nothing was unpacked\" >&2; exit 1; fi"
                + "; t=$(mktemp -d -p \"$p\" " + TempFiles.unpackTemplate() + "); trap 'rm -rf -- \"$t\"' EXIT; trap 'exit 1' HUP INT TERM"
                + "; mkdir -m 0755 -- \"$t/tree\""
                + "; tar -xzf \"$b\" -C \"$t/tree\" --no-same-owner --no-same-permissions --no-overwrite-dir"
                + "; odd=$(find \"$t/tree\" -mindepth 1 \\( \\( ! -type f ! -type d \\) -o -perm /7000 \\) -printf '%P ' | head -c 512)"
                + "; n=$(find \"$t/tree\" -type f -printf x | wc -c)"
                + "; if [ -n \"$odd\" ] || [ \"$n\" -ne " + files + " ]; then echo \"$b: tar unpacked $n files (oth checked " + files
                + "), and these that are not plain files and directories: ${odd:-none}; nothing was installed\" >&2; exit 1; fi"
                + notes.stream().map(n -> "; " + n.write("$t/tree")).collect(Collectors.joining())
                + "; echo " + sha256 + " > \"$t/tree/" + MARK + "\""
                + "; if [ -e \"$d\" ] || [ -L \"$d\" ]; then mv -T -- \"$d\" \"$t/old\"; fi"
                + "; mv -T -- \"$t/tree\" \"$d\" || { if [ -e \"$t/old\" ]; then mv -T -- \"$t/old\" \"$d\"; fi; exit 1; }";
    }

    /** Points the symlink {@code current} at {@code dir} atomically (a rename over it). */
    public static String switchTo(String dir, String current) {
        String link = Command.quote(current + ".oth-new");
        return "ln -sfn " + Command.quote(dir) + " " + link + " && mv -T " + link + " " + Command.quote(current);
    }

    /** Whether {@code dir} holds the bundle with {@code sha256}, unpacked by {@link #unpack}. */
    public static String holds(String dir, String sha256) {
        return holds(dir, sha256, List.of());
    }

    /** Whether {@code dir} holds the bundle with {@code sha256} and these notes, unpacked by {@link #unpack}. */
    public static String holds(String dir, String sha256, List<Note> notes) {
        return "[ \"$(cat -- " + Command.quote(dir + "/" + MARK) + " 2>/dev/null)\" = " + sha256 + " ]"
                + notes.stream().map(n -> " && " + n.holds(dir)).collect(Collectors.joining());
    }

    /** The directory {@code dir} is made in; both values go into a script, so they are checked first. */
    private static String parent(String dir, String sha256) {
        if (!SHA256.matcher(sha256).matches() || !dir.startsWith("/") || dir.lastIndexOf('/') == 0) {
            throw new IllegalArgumentException("unpack: not a sha256 or not an absolute destination below /: " + sha256 + " " + dir);
        }
        return dir.substring(0, dir.lastIndexOf('/'));
    }

    private String key() {
        return "unpack:" + dir;
    }
}
