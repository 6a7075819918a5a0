package io.oth.runlog;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run's log file, {@code STATE/SITE/logs/TIME-COMMAND.log} (0600 in a 0700 directory): what the
 * run printed, both streams, plus its debug lines, library warnings and the stack trace of an
 * internal error. What a support engineer asks for when the terminal is gone.
 *
 * <p>A run prints before it knows its site (and so where its log goes); that text is held in memory
 * until {@link #open} and written first. A run that never opens its log (help, a site file that
 * does not load, input refused before any node is reached) leaves no file. The newest {@link #KEEP}
 * logs of a site are kept.
 */
public final class RunLog implements DebugLog, AutoCloseable {
    /** How many logs of a site are kept. */
    public static final int KEEP = 50;
    /** What a run may print before its log opens and still have it logged. */
    private static final int HELD_MAX = 1 << 20;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LINE_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Pattern LOG_NAME = Pattern.compile("\\d{8}T\\d{6}Z(\\.\\d+)?-[a-z0-9-]+\\.log");
    /** The log of the run in progress, for what cannot be handed one (library logging). */
    private static volatile RunLog current;

    private final Clock clock;
    private final PrintWriter screen;
    private final StringBuilder held = new StringBuilder();
    private final List<Tee> tees = new ArrayList<>();
    private Writer file;
    private Path path;
    private boolean verbose;

    private RunLog(Clock clock, PrintWriter screen) {
        this.clock = clock;
        this.screen = screen;
    }

    /**
     * A run's log, holding what is printed until it is {@link #open opened}; {@code screen} is where
     * debug lines are shown with {@code --verbose} (the terminal's stderr as it is, not a tee of it).
     */
    public static RunLog start(Clock clock, PrintWriter screen) {
        return new RunLog(clock, screen);
    }

    /** A log that is never opened: keeps nothing. */
    public static RunLog none() {
        return new RunLog(Clock.systemUTC(), new PrintWriter(Writer.nullWriter()));
    }

    /** The log of the run in progress, if it has opened one. */
    public static Optional<RunLog> current() {
        return Optional.ofNullable(current);
    }

    /** {@code screen}, with every line written to it also in this log, marked as {@code stream} ("out", "err"). */
    public synchronized Writer tee(Writer screen, String stream) {
        Tee tee = new Tee(screen, stream);
        tees.add(tee);
        return tee;
    }

    /**
     * Creates this run's file in {@code dir}, named by the start time and {@code command}, writes
     * what was printed so far and removes the oldest logs beyond {@link #KEEP}. With {@code verbose},
     * debug lines are also shown.
     */
    public synchronized Path open(Path dir, String command, String header, boolean verbose) throws IOException {
        if (path != null) {
            return path;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        String stamp = NAME_TIME.format(clock.instant());
        String slug = command.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        for (int n = 0; path == null; n++) {
            Path candidate = dir.resolve(stamp + (n == 0 ? "" : "." + n) + "-" + slug + ".log");
            try {
                file = Channels.newWriter(Files.newByteChannel(candidate, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), StandardCharsets.UTF_8);
                path = candidate;
            } catch (FileAlreadyExistsException taken) {
                // another run of the same command in the same second: the next name
            }
        }
        this.verbose = verbose;
        file.write("# " + header + "\n");
        file.write(held.toString());
        held.setLength(0);
        file.flush();
        prune(dir);
        current = this;
        LibraryLogging.routeJavaLogging();
        return path;
    }

    /** This run's file, once it is open. */
    public synchronized Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    @Override
    public void debug(String line) {
        debug(line, "");
    }

    @Override
    public void debug(String line, String detail) {
        PrintWriter show;
        synchronized (this) {
            if (file == null) {
                return;
            }
            write("debug", line);
            detail.lines().forEach(l -> write("debug", "    " + l));
            // On disk at once: an operator follows a long run with tail -f, and a run killed mid-way
            // (SIGKILL, a lost terminal) must leave its last steps in its log, not in a buffer.
            flush();
            show = verbose ? screen : null;
        }
        if (show != null) {
            // The screen's own lock, as progress lines take it: whole lines, even from many workers.
            synchronized (show) {
                show.println(line);
                show.flush();
            }
        }
    }

    /** A warning of a library oth uses (sshj, the JDBC and AMQP clients): kept, never shown. */
    public synchronized void warn(String source, String message, Throwable thrown) {
        write("warn", source + ": " + message);
        if (thrown != null) {
            trace(thrown);
        }
        flush();
    }

    /** The whole stack trace of an internal error. */
    public synchronized void trace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        text.toString().lines().forEach(l -> write("trace", l));
        flush();
    }

    @Override
    public void close() {
        List<Tee> open;
        synchronized (this) {
            open = List.copyOf(tees);
        }
        // Outside this log's lock: a tee takes its own, then this one, as it does when printing.
        open.forEach(Tee::end);
        synchronized (this) {
            if (current == this) {
                current = null;
            }
            if (file != null) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // the log is lost, not the run
                }
                file = null;
            }
        }
    }

    /** One line, stamped and marked; held until the file is open, dropped beyond what may be held. */
    private synchronized void write(String kind, String line) {
        String stamped = LINE_TIME.format(clock.instant()) + " " + String.format("%-5s", kind) + " " + line + "\n";
        if (file == null) {
            if (held.length() + stamped.length() <= HELD_MAX) {
                held.append(stamped);
            }
            return;
        }
        try {
            file.write(stamped);
        } catch (IOException ignored) {
            // a full disk loses the log, not the run
        }
    }

    private synchronized void flush() {
        if (file != null) {
            try {
                file.flush();
            } catch (IOException ignored) {
                // as above
            }
        }
    }

    /** Removes the oldest logs in {@code dir} beyond {@link #KEEP} (names start with the time, so they sort by it). */
    private static void prune(Path dir) throws IOException {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> LOG_NAME.matcher(f.getFileName().toString()).matches()).sorted().forEach(logs::add);
        }
        for (Path old : logs.subList(0, Math.max(0, logs.size() - KEEP))) {
            Files.deleteIfExists(old);
        }
    }

    /** Passes everything on to the screen and each whole line to the log. */
    private final class Tee extends Writer {
        private final Writer screen;
        private final String stream;
        private final StringBuilder line = new StringBuilder();

        Tee(Writer screen, String stream) {
            super();
            this.screen = screen;
            this.stream = stream;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            screen.write(chars, offset, length);
            for (int i = offset; i < offset + length; i++) {
                if (chars[i] == '\n') {
                    RunLog.this.write(stream, line.toString());
                    line.setLength(0);
                } else if (chars[i] != '\r') {
                    line.append(chars[i]);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            screen.flush();
            RunLog.this.flush();
        }

        /** A last line without its newline (a question left unanswered) is logged too. */
        void end() {
            synchronized (lock) {
                if (!line.isEmpty()) {
                    RunLog.this.write(stream, line.toString());
                    line.setLength(0);
                }
            }
        }

        @Override
        public void close() throws IOException {
            end();
            screen.close();
        }
    }
}
