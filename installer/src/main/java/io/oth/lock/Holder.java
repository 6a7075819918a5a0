package io.oth.lock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who holds a site's lock: the run, the operator's host, the process (pid and its start time, so
 * that a reused pid is not taken for the holder), the user, the command and since when. Written as
 * {@code key=value} lines, in the operator's state directory and on every node; read back as
 * untrusted text (a node's answer, a file anyone with the account may have edited): bounded, every
 * value checked, and anything else is "not a lock record".
 */
public record Holder(String run, String host, long pid, Optional<Instant> pidStart, String user, String command, Instant since) {
    /** More than any record oth writes; a longer text is not one. */
    static final int MAX_BYTES = 2048;
    private static final Pattern RUN = Pattern.compile("[0-9a-f]{8,32}");
    /** Host and user names, and a command line of words: nothing a terminal would interpret. */
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._@:+ -]{1,200}");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public Holder {
        if (!RUN.matcher(run).matches() || !TEXT.matcher(host).matches() || !TEXT.matcher(user).matches() || !TEXT.matcher(command).matches()
                || pid <= 0) {
            throw new IllegalArgumentException("not a lock holder: run " + run + ", host " + host + ", pid " + pid);
        }
    }

    /** This process, about to run {@code command} (e.g. {@code oth install}). */
    public static Holder thisProcess(String command) {
        ProcessHandle self = ProcessHandle.current();
        return new Holder(UUID.randomUUID().toString().replace("-", "").substring(0, 16), clean(hostName()), self.pid(),
                self.info().startInstant().map(i -> i.truncatedTo(ChronoUnit.SECONDS)), clean(System.getProperty("user.name", "unknown")),
                clean(command), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    public String render() {
        return "run=" + run + "\nhost=" + host + "\npid=" + pid + "\n" + pidStart.map(s -> "pid-start=" + s + "\n").orElse("")
                + "user=" + user + "\ncommand=" + command + "\nsince=" + since + "\n";
    }

    /** The record in {@code text}, or empty when it is not one (empty, cut short, too long, or edited). */
    public static Optional<Holder> parse(String text) {
        if (text.length() > MAX_BYTES) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || fields.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                return Optional.empty();
            }
        }
        try {
            String pid = fields.getOrDefault("pid", "");
            if (!pid.matches("[0-9]{1,10}")) {
                return Optional.empty();
            }
            Optional<Instant> pidStart = Optional.ofNullable(fields.get("pid-start")).map(Instant::parse);
            return Optional.of(new Holder(fields.getOrDefault("run", ""), fields.getOrDefault("host", ""), Long.parseLong(pid), pidStart,
                    fields.getOrDefault("user", ""), fields.getOrDefault("command", ""), Instant.parse(fields.getOrDefault("since", ""))));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the holder is a process of this machine that is still running (the same process: same pid, same start). */
    public boolean runsHere() {
        if (!host.equals(clean(hostName()))) {
            return false;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> !ended(p.pid()))
                .filter(p -> pidStart.isEmpty() || p.info().startInstant().map(i -> i.truncatedTo(ChronoUnit.SECONDS)).equals(pidStart))
                .isPresent();
    }

    /**
     * Whether the process has ended but not been reaped yet (a zombie): {@link ProcessHandle#isAlive}
     * says yes to it, but it holds nothing. A run killed outright while its launcher recorded the
     * class-data archive is one until its new parent reaps it.
     */
    static boolean ended(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            int name = stat.lastIndexOf(')');
            char state = name >= 0 && name + 2 < stat.length() ? stat.charAt(name + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** "`oth install` (pid 1234 on host h, user u, since 13:05:02 UTC, last heartbeat 2 s ago)". */
    public String describe(Optional<Duration> sinceHeartbeat, Instant now) {
        DateTimeFormatter format = since.truncatedTo(ChronoUnit.DAYS).equals(now.truncatedTo(ChronoUnit.DAYS)) ? CLOCK : DATE_CLOCK;
        return "`" + command + "` (pid " + pid + " on host " + host + ", user " + user + ", since " + format.format(since)
                + sinceHeartbeat.map(d -> ", last heartbeat " + Math.max(0, d.toSeconds()) + " s ago").orElse("") + ")";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }

    /** Keeps a name within {@link #TEXT}: an odd host or user name must not make the lock impossible to take. */
    private static String clean(String text) {
        String kept = text.replaceAll("[^A-Za-z0-9._@:+ -]", "_");
        kept = kept.isEmpty() ? "unknown" : kept;
        return kept.length() > 200 ? kept.substring(0, 200) : kept;
    }
}
