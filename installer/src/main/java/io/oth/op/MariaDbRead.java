package io.oth.op;

import io.oth.remote.Command;

/**
 * A read of the node's MariaDB as its root, over the local socket, as a probe runs it (install's
 * facts, doctor's checks). Bounded: a MariaDB that takes the connection and never answers (a hung
 * server) makes this probe's answer, "MariaDB did not answer within 10 s", not a node whose whole
 * round of probes runs out of time with every other check of that node. Its probe may wait that
 * long, so it is {@link Probe#waiting}: a node's reads of MariaDB wait side by side.
 */
public final class MariaDbRead {
    /** How long a read may take: a healthy server answers these in milliseconds. */
    public static final int SECONDS = 10;

    private MariaDbRead() {
    }

    /** The probe {@code key} that reads {@code sql} (tab-separated rows, no column names), its exit code kept. */
    public static Probe probe(String key, String sql) {
        return probe(key, sql, 0);
    }

    /** The probe {@code key} that reads {@code sql}, at most {@code maxLines} lines of its answer (0: all). */
    public static Probe probe(String key, String sql, int maxLines) {
        return Probe.waiting(key, of(sql, maxLines, SECONDS));
    }

    /**
     * Whether {@code answer} is a read that ran out of its bound: a server that takes the connection
     * and does not answer for that long is hung, not slowed by the checks around it, and a second
     * try would wait as long again.
     */
    public static boolean outOfTime(Probe.Answer answer) {
        return !answer.ok() && answer.output().strip().equals(unanswered(SECONDS));
    }

    /** What a read that MariaDB refused to its root says, as the cause of what could not be read. */
    public static final String ROOT_REFUSED = "MariaDB refuses root over its local socket (ERROR 1045): root's login is no longer Debian's unix_socket"
            + " (a password set by hand, or by mysql_secure_installation?)";
    /** What to do about {@link #ROOT_REFUSED}. */
    public static final String ROOT_REFUSED_HINT = "oth administers MariaDB as root over the local socket, with no password, and so do the nightly"
            + " backups: let root in through the socket again and keep its password: ALTER USER root@localhost IDENTIFIED VIA unix_socket"
            + " OR mysql_native_password USING PASSWORD('...')";

    /**
     * Whether {@code output}, a failed read's, is MariaDB refusing its root over the local socket:
     * root's authentication was changed from unix_socket, by which oth (root on the node) logs in.
     */
    public static boolean rootRefused(String output) {
        // The CLI says "ERROR 1045 (28000): Access denied ...", mariadb-dump "Got error: 1045: \"Access denied ...\""
        return output.contains("1045") && output.contains("Access denied for user 'root'@'localhost'");
    }

    private static String unanswered(int seconds) {
        return "MariaDB did not answer within " + seconds + " s";
    }

    static String of(String sql, int maxLines, int seconds) {
        return "out=$(timeout -k 2 " + seconds + " mariadb -N -B -e " + Command.quote(sql) + " 2>&1); rc=$?;"
                + " case $rc in 124|137) echo '" + unanswered(seconds) + "'; exit 1 ;; esac;"
                + " [ -z \"$out\" ] || printf '%s\\n' \"$out\"" + (maxLines > 0 ? " | head -n " + maxLines : "") + "; exit $rc";
    }
}
