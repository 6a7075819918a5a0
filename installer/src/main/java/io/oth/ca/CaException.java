package io.oth.ca;

/** The site CA cannot be used or cannot issue; the message says which file or certificate and why, never a key. */
public final class CaException extends Exception {
    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
