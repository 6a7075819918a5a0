package io.oth.wizard;

/** The person stopped the setup (Ctrl-C, end of input) or a secret cannot be asked for here: nothing is written. */
public final class Aborted extends Exception {
    public Aborted(String message) {
        super(message);
    }
}
