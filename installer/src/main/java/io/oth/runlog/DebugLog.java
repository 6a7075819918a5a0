package io.oth.runlog;

/**
 * Where a run's debug lines go: each remote command, each phase's start and end. Lines must already
 * be safe to keep: secrets masked (as {@code Command} prints them), never a command's stdin.
 */
@FunctionalInterface
public interface DebugLog {
    /** A log that keeps nothing: for code run outside a command (tests, the wizard). */
    DebugLog NONE = line -> { };

    void debug(String line);

    /** {@code line}, and {@code detail} (a whole script, say) only in the log file, never on the screen. */
    default void debug(String line, String detail) {
        debug(line);
    }
}
