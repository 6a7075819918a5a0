package io.oth.sample;

import io.oth.sample.HealthCheck.Result;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * MariaDB over TLS: connects with {@code sslMode=verify-full} (chain to the CA file, and the host
 * name or IP address in the server certificate's SAN) and proves the session is encrypted by a
 * non-empty {@code Ssl_version}; each check runs {@code SELECT 1} on that connection, kept between
 * checks ({@link KeptConnection}).
 */
final class DatabaseCheck {

    private static final Driver DRIVER = new org.mariadb.jdbc.Driver();

    private final DatabaseSettings settings;
    private final Duration timeout;
    private final KeptConnection<Connection> kept = new KeptConnection<>(this::connect, this::selectOne, DatabaseCheck::closeQuietly);

    DatabaseCheck(DatabaseSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    static HealthCheck of(DatabaseSettings settings, Duration timeout) {
        return new HealthCheck("database", timeout, new DatabaseCheck(settings, timeout).kept());
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

    /** The check: a round trip on the connection it keeps ({@link KeptConnection}). */
    KeptConnection<Connection> kept() {
        return kept;
    }

    /** A connection whose session is encrypted: a session's TLS does not change, so it is read once. */
    private Connection connect() throws KeptConnection.NotOpened {
        String step = "connect to " + settings.host() + ":" + settings.port();
        Connection connection = null;
        try {
            connection = DRIVER.connect(jdbcUrl(), connectionProperties());
            step = "read Ssl_version";
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                String version = rows.next() ? rows.getString(2) : null;
                if (version == null || version.isBlank()) {
                    throw new KeptConnection.NotOpened(Result.fail("session is not encrypted (Ssl_version is empty)"));
                }
            }
            Connection ready = connection;
            connection = null;
            return ready;
        } catch (SQLException | RuntimeException e) {
            throw new KeptConnection.NotOpened(Result.fail(step + ": " + FailureReason.describe(e, settings.password())));
        } finally {
            closeQuietly(connection);
        }
    }

    private Result selectOne(Connection connection) {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            return rows.next() && rows.getInt(1) == 1 ? Result.pass() : Result.fail("SELECT 1 did not return 1");
        } catch (SQLException | RuntimeException e) {
            return Result.fail("SELECT 1: " + FailureReason.describe(e, settings.password()));
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                // a connection being dropped: nothing to report
            }
        }
    }
}
