package io.oth.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One named check reported by {@code /healthz}, answered within {@code timeout} or counted as
 * failed; any failing check turns the whole answer into 503.
 */
public record HealthCheck(String name, Duration timeout, Probe probe) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(AppConfig.DEFAULT_TIMEOUT_SECONDS);

    /**
     * A check's work. {@code fresh}: the caller asked for no cached answer ({@code Cache-Control:
     * no-cache}), so a check that keeps a connection between runs ({@link KeptConnection}) makes a new one.
     */
    @FunctionalInterface
    public interface Probe {
        Result run(boolean fresh);
    }

    /** A check that keeps nothing between runs: fresh or not, it does the same. */
    public HealthCheck(String name, Duration timeout, Supplier<Result> probe) {
        this(name, timeout, fresh -> probe.get());
    }

    public HealthCheck(String name, Supplier<Result> probe) {
        this(name, DEFAULT_TIMEOUT, probe);
    }

    /** The process is up and answering requests. */
    public static HealthCheck self() {
        return new HealthCheck("self", Result::pass);
    }

    /**
     * Runs all checks at once on {@code executor}; each gets its own timeout from the common start,
     * so the answer takes about as long as the longest timeout, not their sum. A check that has not
     * answered in time is failed and interrupted; its client's own timeouts end it soon after.
     */
    static Map<String, Result> runAll(List<HealthCheck> checks, ExecutorService executor) {
        return runAll(checks, executor, false);
    }

    static Map<String, Result> runAll(List<HealthCheck> checks, ExecutorService executor, boolean fresh) {
        long start = System.nanoTime();
        List<Future<Result>> futures = new ArrayList<>();
        for (HealthCheck check : checks) {
            futures.add(executor.submit(() -> check.run(fresh)));
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            HealthCheck check = checks.get(i);
            long left = start + check.timeout.toNanos() - System.nanoTime();
            results.put(check.name, await(futures.get(i), Math.max(left, 0), check.timeout));
        }
        return results;
    }

    private static Result await(Future<Result> future, long nanos, Duration timeout) {
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Result.fail("no answer within " + format(timeout));
        } catch (ExecutionException e) {
            return Result.fail(FailureReason.describe(e.getCause()));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Result.fail("interrupted");
        }
    }

    static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    Result run(boolean fresh) {
        try {
            return probe.run(fresh);
        } catch (RuntimeException e) {
            return Result.fail(FailureReason.describe(e));
        }
    }

    public record Result(boolean ok, String reason) {
        public static Result pass() {
            return new Result(true, null);
        }

        public static Result fail(String reason) {
            return new Result(false, Objects.requireNonNullElse(reason, ""));
        }
    }
}
