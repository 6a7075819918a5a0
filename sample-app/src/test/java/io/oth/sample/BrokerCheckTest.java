package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.sample.HealthCheck.Result;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private BrokerSettings settings(int port) throws Exception {
        return new BrokerSettings("127.0.0.1", port, "/", "oth_app", new Secret("mq-secret-2"), DownServices.testCa(dir));
    }

    @Test
    void aClosedPortFailsAtOnceWithConnectionRefused() throws Exception {
        int port = DownServices.closedPort();
        long start = System.nanoTime();
        Result result = new BrokerCheck(settings(port), "app-1", TIMEOUT).kept().run(false);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(Result.fail("connect to 127.0.0.1:" + port + ": connection refused"), result);
        assertTrue(millis < TIMEOUT.toMillis(), "took " + millis + " ms");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        try (DownServices.Silent server = new DownServices.Silent()) {
            long start = System.nanoTime();
            Result result = new BrokerCheck(settings(server.port()), "app-1", Duration.ofMillis(500)).kept().run(false);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertFalse(result.ok());
            assertTrue(result.reason().startsWith("connect to 127.0.0.1:" + server.port() + ": "), result.reason());
            assertFalse(result.reason().contains("mq-secret-2"), result.reason());
            assertTrue(millis < 2500, "took " + millis + " ms: " + result.reason());
        }
    }
}
