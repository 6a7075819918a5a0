package io.oth.standin;

/** The stand-in refuses to start; the message says why and never contains a secret. */
public final class StandInException extends Exception {
    private final boolean usage;

    private StandInException(String message, boolean usage, Throwable cause) {
        super(message, cause);
        this.usage = usage;
    }

    /** The command line is wrong (exit code 2). */
    static StandInException usage(String message) {
        return new StandInException(message, true, null);
    }

    /** The environment, a file or a port is wrong (exit code 1). */
    static StandInException refused(String message) {
        return new StandInException(message, false, null);
    }

    static StandInException refused(String message, Throwable cause) {
        return new StandInException(message, false, cause);
    }

    boolean isUsage() {
        return usage;
    }
}
