package io.oth.standin;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Traefik's log: one line per event on stdout, filtered by {@code log.level} (default ERROR). */
final class Log {

    enum Level { TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC }

    private final PrintStream out;
    private final Level threshold;

    Log(PrintStream out, Level threshold) {
        this.out = out;
        this.threshold = threshold;
    }

    static Level parseLevel(String name) {
        return Level.valueOf(name.toUpperCase(Locale.ROOT));
    }

    void debug(String message) {
        write(Level.DEBUG, "DBG", message);
    }

    void info(String message) {
        write(Level.INFO, "INF", message);
    }

    void error(String message) {
        write(Level.ERROR, "ERR", message);
    }

    private void write(Level level, String tag, String message) {
        if (level.compareTo(threshold) >= 0) {
            out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + tag + " " + message);
        }
    }
}
