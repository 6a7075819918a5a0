package io.oth.sample;

import io.oth.sample.HealthCheck.Result;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One connection to a service, kept from one health check to the next as the application's own
 * connection pool keeps its connections: a check is a round trip on it, not a new TLS handshake
 * and login (haproxy asks every app node every 2 s; on the lab's shared cores the handshakes were
 * most of what a running site cost).
 *
 * <p>It hides nothing for longer than {@link #MAX_AGE}: a kept connection that fails its round trip
 * is replaced in the same check, so a failure a check reports is always a new connection's; one
 * older than {@code MAX_AGE} is replaced before it is used, so a password revoked or a firewall
 * tightened since it opened (established connections outlive both) shows within that time; and a
 * {@code fresh} check (a caller that asked for no cached answer: oth's proofs after it changed
 * something) opens a new connection whatever the kept one's state.
 */
final class KeptConnection<C> implements HealthCheck.Probe, AutoCloseable {
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    /** Why a connection could not be opened, as the check reports it. */
    static final class NotOpened extends Exception {
        private final Result result;

        NotOpened(Result result) {
            super(result.reason(), null, false, false);
            this.result = result;
        }
    }

    /** Opens a connection ready for {@link #run}'s round trips, or says why it cannot. */
    @FunctionalInterface
    interface Opener<C> {
        C open() throws NotOpened;
    }

    private final Opener<C> opener;
    private final Function<C, Result> roundTrip;
    private final Consumer<C> close;
    private final LongSupplier nanoClock;
    private C connection;
    private long openedAt;

    KeptConnection(Opener<C> opener, Function<C, Result> roundTrip, Consumer<C> close) {
        this(opener, roundTrip, close, System::nanoTime);
    }

    KeptConnection(Opener<C> opener, Function<C, Result> roundTrip, Consumer<C> close, LongSupplier nanoClock) {
        this.opener = opener;
        this.roundTrip = roundTrip;
        this.close = close;
        this.nanoClock = nanoClock;
    }

    /**
     * One check: a round trip on the kept connection when there is one young enough (and not
     * {@code fresh}); else, or when that fails, on a new one, which is kept when its round trip
     * passes. One check at a time: a second waits for the first.
     */
    @Override
    public synchronized Result run(boolean fresh) {
        if (connection != null && (fresh || nanoClock.getAsLong() - openedAt >= MAX_AGE.toNanos())) {
            discard();
        }
        if (connection != null) {
            Result kept = roundTrip.apply(connection);
            if (kept.ok()) {
                return kept;
            }
            discard();
        }
        try {
            connection = opener.open();
            openedAt = nanoClock.getAsLong();
        } catch (NotOpened e) {
            return e.result;
        }
        Result result = roundTrip.apply(connection);
        if (!result.ok()) {
            discard();
        }
        return result;
    }

    /** Closes the kept connection, if any (the application stopping). */
    @Override
    public synchronized void close() {
        discard();
    }

    private void discard() {
        C c = connection;
        connection = null;
        if (c != null) {
            close.accept(c);
        }
    }
}
