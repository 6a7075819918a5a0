package io.oth.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * An action that runs once {@code timeout} has passed, unless the deadline is closed first: for a
 * wait that a library does not bound itself, ended from outside (a forward closed, a stream ended).
 * The action runs on the JDK's delay thread and must be quick. {@link #passed()} is true before
 * the action runs, so the thread it wakes already sees it.
 */
public final class Deadline implements AutoCloseable {
    private final AtomicBoolean passed = new AtomicBoolean();
    private final CompletableFuture<Void> timer;

    private Deadline(Duration timeout, BooleanSupplier stillWaiting, Runnable end) {
        timer = CompletableFuture.runAsync(() -> {
            if (stillWaiting.getAsBoolean()) {
                passed.set(true);
                end.run();
            }
        }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
    }

    /** {@code end} runs after {@code timeout} unless closed before. */
    public static Deadline after(Duration timeout, Runnable end) {
        return new Deadline(timeout, () -> true, end);
    }

    /** After {@code timeout}, unless closed before: {@code end} runs if {@code stillWaiting} says the wait has not ended by itself. */
    public static Deadline after(Duration timeout, BooleanSupplier stillWaiting, Runnable end) {
        return new Deadline(timeout, stillWaiting, end);
    }

    /** Whether the deadline ended the wait (set before its action runs). */
    public boolean passed() {
        return passed.get();
    }

    /** The action does not run if it has not yet. */
    @Override
    public void close() {
        timer.cancel(false);
    }
}
