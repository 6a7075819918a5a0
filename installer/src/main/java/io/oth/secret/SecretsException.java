package io.oth.secret;

/** The secrets file cannot be used; the message names the file and says why, never a value. */
public final class SecretsException extends Exception {
    public SecretsException(String message) {
        super(message);
    }

    public SecretsException(String message, Throwable cause) {
        super(message, cause);
    }
}
