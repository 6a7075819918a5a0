package io.oth.remote;

/**
 * A host could not be reached or used. The message names the host and says what happened;
 * {@link #failure()} says which case it is. Messages never contain secrets.
 */
public class RemoteException extends Exception {
    private final String host;
    private final Failure failure;
    private final String detail;

    public RemoteException(String host, Failure failure, String detail) {
        super(host + ": " + failure.summary() + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.host = host;
        this.failure = failure;
        this.detail = detail == null ? "" : detail;
    }

    /** What the message says after the host and the failure's summary; empty when nothing. */
    public String detail() {
        return detail;
    }

    public String host() {
        return host;
    }

    public Failure failure() {
        return failure;
    }
}
