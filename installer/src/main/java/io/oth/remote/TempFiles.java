package io.oth.remote;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Names of the temporary files oth makes on nodes, and their clean-up after a run that was killed
 * (SIGKILL, a lost connection) before its own trap could remove them.
 *
 * <p>Every temporary file is named {@code NAME.oth-tmp.RUN.XXXXXX}, RUN being this process's
 * {@link #RUN} token, in a directory the node records in {@value #DIRECTORIES} when oth first
 * writes there (plus {@value #SCRATCH}): the clean-up looks in exactly the directories oth wrote
 * to, one level deep, and removes only that pattern. Another run's files are removed whatever their
 * age: a run on the same site at the same time is refused by the run lock, so they are leftovers.
 */
public final class TempFiles {
    /** This run's token: files carrying it are in use. */
    public static final String RUN = token();
    static final String DIRECTORIES = "/var/lib/oth/temp-dirs";
    /** Where scripts keep a file for one command (e.g. RabbitMQ's definitions); uploads go next to their target. */
    static final String SCRATCH = "/tmp";
    private static final String MARK = ".oth-tmp.";

    private TempFiles() {
    }

    /** A {@code mktemp} template for a temporary file next to {@code path}. */
    public static String template(String path) {
        return path + MARK + RUN + ".XXXXXX";
    }

    /** A scratch file's template, e.g. {@code scratch("oth-definitions")}. */
    public static String scratch(String name) {
        return template(SCRATCH + "/" + name);
    }

    /** Shell lines that record {@code dirExpression} (a quoted shell word) as a directory oth writes temporary files to. */
    public static String record(String dirExpression) {
        return "(umask 022; mkdir -p " + DIRECTORIES.substring(0, DIRECTORIES.lastIndexOf('/')) + "; grep -qxF -- " + dirExpression + " "
                + DIRECTORIES + " 2>/dev/null || printf '%s\\n' " + dirExpression + " >> " + DIRECTORIES + ")";
    }

    /**
     * A script that prints every temporary file of another run in those directories, and with
     * {@code remove} removes it first (printing only what it did remove).
     */
    public static String sweep(boolean remove) {
        String each = remove ? "rm -rf -- \"$f\" && printf '%s\\n' \"$f\"" : "printf '%s\\n' \"$f\"";
        return "{ echo " + SCRATCH + "; cat " + DIRECTORIES + " 2>/dev/null; } | sort -u | while IFS= read -r d; do"
                + " case $d in /*) ;; *) continue ;; esac; [ -d \"$d\" ] || continue;"
                + " find \"$d\" -mindepth 1 -maxdepth 1 \\( -type f -o -type d \\) -name '*" + MARK + "*' ! -name '*" + MARK + RUN + ".*'"
                + " | while IFS= read -r f; do " + each + "; done; done; true";
    }

    private static String token() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
