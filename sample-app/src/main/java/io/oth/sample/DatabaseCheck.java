package io.oth.sample;

import io.oth.sample.HealthCheck.Result;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * MariaDB over TLS: connects with {@code sslMode=verify-full} (chain to the CA file, and the host
 * name or IP address in the server certificate's SAN), runs {@code SELECT 1} and proves the session
 * is encrypted by a non-empty {@code Ssl_version}.
 */
final class DatabaseCheck implements Supplier<Result> {

    private static final Driver DRIVER = new org.mariadb.jdbc.Driver();

    private final DatabaseSettings settings;
    private final Duration timeout;

    DatabaseCheck(DatabaseSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    static HealthCheck of(DatabaseSettings settings, Duration timeout) {
        return new HealthCheck("database", timeout, new DatabaseCheck(settings, timeout));
    }

    /** The URL without options: the options, the password among them, go in {@link #connectionProperties()}. */
    String jdbcUrl() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "jdbc:mariadb://" + host + ":" + settings.port() + "/" + settings.name();
    }

    Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password().reveal());
        properties.setProperty("sslMode", "verify-full");
        properties.setProperty("serverSslCert", settings.caFile().path().toString());
        properties.setProperty("connectTimeout", String.valueOf(timeout.toMillis()));
        properties.setProperty("socketTimeout", String.valueOf(timeout.toMillis()));
        return properties;
    }

    @Override
    public Result get() {
        String step = "connect to " + settings.host() + ":" + settings.port();
        try (Connection connection = DRIVER.connect(jdbcUrl(), connectionProperties());
                Statement statement = connection.createStatement()) {
            step = "SELECT 1";
            try (ResultSet rows = statement.executeQuery("SELECT 1")) {
                if (!rows.next() || rows.getInt(1) != 1) {
                    return Result.fail("SELECT 1 did not return 1");
                }
            }
            step = "read Ssl_version";
            try (ResultSet rows = statement.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                String version = rows.next() ? rows.getString(2) : null;
                if (version == null || version.isBlank()) {
                    return Result.fail("session is not encrypted (Ssl_version is empty)");
                }
            }
            return Result.pass();
        } catch (SQLException | RuntimeException e) {
            return Result.fail(step + ": " + FailureReason.describe(e, settings.password()));
        }
    }
}
