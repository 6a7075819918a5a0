package io.oth.wizard;

/** The person stopped the setup (Ctrl-C, end of input) or a secret cannot be asked for here: nothing is written. */
public final class Aborted extends Exception {
    private final boolean interrupt;

    public Aborted(String message) {
        this(message, false);
    }

    private Aborted(String message, boolean interrupt) {
        super(message);
        this.interrupt = interrupt;
    }

    /** Ctrl-C at a prompt. */
    static Aborted byInterrupt() {
        return new Aborted("interrupted", true);
    }

    /** Whether the person pressed Ctrl-C (a shell then expects exit status 130), rather than anything else ending the setup. */
    public boolean isInterrupt() {
        return interrupt;
    }
}
