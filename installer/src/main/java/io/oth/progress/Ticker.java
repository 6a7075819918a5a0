package io.oth.progress;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What makes status lines tick while nothing else changes them; tests tick by hand. */
@FunctionalInterface
public interface Ticker {
    /** Runs {@code tick} every {@code period} until the returned handle is closed. */
    AutoCloseable every(Duration period, Runnable tick);

    /** A daemon thread: it never keeps the JVM alive. */
    Ticker DAEMON = (period, tick) -> {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oth-status");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    };
}
