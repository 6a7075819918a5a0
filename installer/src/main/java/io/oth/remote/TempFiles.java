package io.oth.remote;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Names of the temporary files oth makes on nodes, and their clean-up after a run that was killed
 * (SIGKILL, a lost connection) before its own trap could remove them.
 *
 * <p>Every temporary file is named {@code NAME.oth-tmp.RUN.XXXXXX}, RUN being this process's
 * {@link #RUN} token, in a directory the node records in {@value #DIRECTORIES} when oth first
 * writes there (plus {@value #SCRATCH}): the clean-up looks in exactly the directories oth wrote
 * to, one level deep, and removes only that pattern. Another run's files are removed whatever their
 * age: a run on the same site at the same time is refused by the run lock, so they are leftovers.
 *
 * <p>An unpack's temporary directory ({@code op.UnpackOp}) is named {@code .oth-unpack.RUN.XXXXXXXX}
 * beside its destination; the sweep removes those of other runs in the unpack roots it is given,
 * and nothing else there.
 */
public final class TempFiles {
    /** This run's token: files carrying it are in use. */
    public static final String RUN = token();
    static final String DIRECTORIES = "/var/lib/oth/temp-dirs";
    /** Where scripts keep a file for one command (e.g. RabbitMQ's definitions); uploads go next to their target. */
    static final String SCRATCH = "/tmp";
    private static final String MARK = ".oth-tmp.";
    /** The prefix of the temporary directory an unpack makes beside its destination. */
    public static final String UNPACK_MARK = ".oth-unpack.";

    private TempFiles() {
    }

    /** A {@code mktemp} template for a temporary file next to {@code path}. */
    public static String template(String path) {
        return path + MARK + RUN + ".XXXXXX";
    }

    /** A {@code mktemp -d} template for an unpack's temporary directory (in the destination's parent). */
    public static String unpackTemplate() {
        return UNPACK_MARK + RUN + ".XXXXXXXX";
    }

    /** A scratch file's template, e.g. {@code scratch("oth-definitions")}. */
    public static String scratch(String name) {
        return template(SCRATCH + "/" + name);
    }

    /** Shell lines that record {@code dirExpression} (a quoted shell word) as a directory oth writes temporary files to. */
    public static String record(String dirExpression) {
        return record(dirExpression, DIRECTORIES);
    }

    static String record(String dirExpression, String directories) {
        // Shell builtins only but for the first write to a directory: every upload runs this.
        String dir = directories.substring(0, directories.lastIndexOf('/'));
        return "k=; if [ -f " + directories + " ]; then while IFS= read -r l; do if [ \"$l\" = " + dirExpression + " ]; then k=1; break; fi; done < "
                + directories + "; fi; [ -n \"$k\" ] || (umask 022; [ -d " + dir + " ] || mkdir -p " + dir + "; printf '%s\\n' " + dirExpression
                + " >> " + directories + ")";
    }

    /**
     * A script that prints every temporary file of another run in those directories, and every
     * unpack directory of another run directly in {@code unpackRoots}; with {@code remove} it removes
     * each first (printing only what it did remove).
     */
    public static String sweep(boolean remove, List<String> unpackRoots) {
        return sweep(remove, unpackRoots, SCRATCH, DIRECTORIES);
    }

    static String sweep(boolean remove, List<String> unpackRoots, String scratch, String directories) {
        if (unpackRoots.stream().anyMatch(r -> !r.startsWith("/") || r.equals("/"))) {
            throw new IllegalArgumentException("unpack roots are absolute directories below /: " + unpackRoots);
        }
        // find prints each name itself, after removing it when asked (-exec is a test: only what rm
        // removed is printed); no pipeline, as the facts round of every run waits on this script and
        // each process started costs the node a few milliseconds.
        String each = remove ? " -exec rm -rf -- {} \\; -print" : " -print";
        String unpacks = unpackRoots.isEmpty() ? "" : " set --; for d in " + String.join(" ", unpackRoots.stream().map(Command::quote).toList()) + "; do"
                + " [ -d \"$d\" ] && set -- \"$@\" \"$d\"; done;"
                + " [ $# = 0 ] || find \"$@\" -mindepth 1 -maxdepth 1 -type d -name '" + UNPACK_MARK + "*' ! -name '" + UNPACK_MARK + RUN + ".*'" + each + ";";
        // The directories file, each absolute one that exists once (in the order first listed), after the scratch directory.
        String nl = "'\n'";
        String first = Command.quote(scratch);
        return "set --; seen=" + nl + "; [ -d " + first + " ] && set -- " + first + " && seen=" + nl + first + nl + ";"
                + " { while IFS= read -r d || [ -n \"$d\" ]; do case $d in /*) case $seen in *" + nl + "\"$d\"" + nl + "*) ;;"
                + " *) [ -d \"$d\" ] && set -- \"$@\" \"$d\" && seen=$seen\"$d\"" + nl + " ;; esac ;; esac; done <" + Command.quote(directories) + "; } 2>/dev/null;"
                + " [ $# = 0 ] || find \"$@\" -mindepth 1 -maxdepth 1 \\( -type f -o -type d \\) -name '*" + MARK + "*' ! -name '*" + MARK + RUN + ".*'" + each + ";"
                + unpacks + " true";
    }

    private static String token() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
