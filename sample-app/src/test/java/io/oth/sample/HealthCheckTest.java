package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.sample.HealthCheck.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static HealthCheck sleeping(String name, long millis, Duration timeout) {
        return new HealthCheck(name, timeout, () -> {
            try {
                Thread.sleep(millis);
                return Result.pass();
            } catch (InterruptedException e) {
                return Result.fail("interrupted");
            }
        });
    }

    @Test
    void checksRunAtTheSameTime() {
        long start = System.nanoTime();
        Map<String, Result> results = HealthCheck.runAll(List.of(
                sleeping("database", 600, Duration.ofSeconds(3)),
                sleeping("broker", 600, Duration.ofSeconds(3)),
                sleeping("objects", 600, Duration.ofSeconds(3))), executor);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(List.of("database", "broker", "objects"), List.copyOf(results.keySet()));
        assertTrue(results.values().stream().allMatch(Result::ok), results.toString());
        assertTrue(millis < 1500, "three 600 ms checks took " + millis + " ms");
    }

    @Test
    void aCheckThatDoesNotAnswerInTimeFails() {
        long start = System.nanoTime();
        Map<String, Result> results = HealthCheck.runAll(List.of(
                HealthCheck.self(), sleeping("broker", 30_000, Duration.ofMillis(300))), executor);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(Result.pass(), results.get("self"));
        assertEquals(Result.fail("no answer within 300 ms"), results.get("broker"));
        assertTrue(millis < 2000, "took " + millis + " ms");
    }

    @Test
    void anExceptionBecomesAShortReason() {
        Map<String, Result> results = HealthCheck.runAll(List.of(new HealthCheck("objects", () -> {
            throw new IllegalStateException("bucket gone\n\tat some.Frame(Frame.java:1)");
        })), executor);
        assertEquals(Result.fail("bucket gone"), results.get("objects"));
    }

    @Test
    void timeoutsPrintInSecondsOrMilliseconds() {
        assertEquals("3 s", HealthCheck.format(Duration.ofSeconds(3)));
        assertEquals("1500 ms", HealthCheck.format(Duration.ofMillis(1500)));
    }
}
