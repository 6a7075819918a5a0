package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.sample.HealthCheck.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private DatabaseSettings settings(String host, int port) throws Exception {
        return new DatabaseSettings(host, port, "oth", "oth_app", new Secret("db-secret-1"), DownServices.testCa(dir));
    }

    @Test
    void connectsWithVerifyFullAgainstTheCaFile() throws Exception {
        DatabaseCheck check = new DatabaseCheck(settings("10.0.1.5", 3306), TIMEOUT);
        assertEquals("jdbc:mariadb://10.0.1.5:3306/oth", check.jdbcUrl());
        Properties properties = check.connectionProperties();
        assertEquals("verify-full", properties.getProperty("sslMode"));
        assertEquals(dir.resolve("ca.pem").toString(), properties.getProperty("serverSslCert"));
        assertEquals("oth_app", properties.getProperty("user"));
        assertEquals("2000", properties.getProperty("connectTimeout"));
        assertEquals("2000", properties.getProperty("socketTimeout"));
    }

    @Test
    void anIpv6AddressIsBracketed() throws Exception {
        assertEquals("jdbc:mariadb://[fd00::5]:3306/oth", new DatabaseCheck(settings("fd00::5", 3306), TIMEOUT).jdbcUrl());
    }

    @Test
    void aClosedPortFailsAtOnceWithConnectionRefused() throws Exception {
        int port = DownServices.closedPort();
        long start = System.nanoTime();
        Result result = new DatabaseCheck(settings("127.0.0.1", port), TIMEOUT).kept().run(false);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(Result.fail("connect to 127.0.0.1:" + port + ": connection refused"), result);
        assertTrue(millis < TIMEOUT.toMillis(), "took " + millis + " ms");
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        try (DownServices.Silent server = new DownServices.Silent()) {
            long start = System.nanoTime();
            Result result = new DatabaseCheck(settings("127.0.0.1", server.port()), Duration.ofMillis(500)).kept().run(false);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertFalse(result.ok());
            assertTrue(result.reason().startsWith("connect to 127.0.0.1:" + server.port() + ": "), result.reason());
            assertFalse(result.reason().contains("db-secret-1"), result.reason());
            assertTrue(millis < 2500, "took " + millis + " ms: " + result.reason());
        }
    }
}
