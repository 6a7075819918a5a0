package io.oth.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * An action that runs once {@code timeout} has passed, unless the deadline is closed first: for a
 * wait that a library does not bound itself, ended from outside (a forward closed, a stream ended).
 * The action runs on the JDK's delay thread and must be quick.
 */
public final class Deadline implements AutoCloseable {
    private final AtomicBoolean passed = new AtomicBoolean();
    private final CompletableFuture<Void> timer;

    private Deadline(Duration timeout, BooleanSupplier expire) {
        timer = CompletableFuture.runAsync(() -> passed.set(expire.getAsBoolean()),
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
    }

    /** {@code expire} runs after {@code timeout} unless closed before; it says whether it ended the wait. */
    public static Deadline after(Duration timeout, BooleanSupplier expire) {
        return new Deadline(timeout, expire);
    }

    /** Whether the action ran and ended the wait. */
    public boolean passed() {
        return passed.get();
    }

    /** The action does not run if it has not yet. */
    @Override
    public void close() {
        timer.cancel(false);
    }
}
