package io.oth.lock;

/** Another run holds the site's lock; the message names it and what to do. */
public final class LockedException extends Exception {
    public LockedException(String message) {
        super(message);
    }
}
