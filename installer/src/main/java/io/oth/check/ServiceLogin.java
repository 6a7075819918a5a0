package io.oth.check;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.oth.ca.SiteTls;
import io.oth.minio.MinioRefusal;
import io.oth.minio.S3Reads;
import io.oth.secret.Secret;
import okhttp3.OkHttpClient;

import javax.net.ssl.X509TrustManager;
import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * Logs in to a storage service the way the application does: over TLS that must lead to the site's
 * CA and name the service's address, with the application's own account. Each call connects to
 * {@code 127.0.0.1:localPort}, a forward that leaves from an app node, so the service sees the app
 * node's address. Returns what worked; throws what did not, for {@link #trouble} to classify.
 */
final class ServiceLogin {
    /** How a login failed, in the classes doctor names. */
    enum Trouble {
        TLS, AUTHENTICATION, CONNECTION, TIMEOUT, OTHER
    }

    private final String rootPem;
    private final String address;
    private final X509TrustManager trust;
    private final Duration timeout;

    /**
     * {@code address}: the storage node's address, which the service certificates name. One
     * instance serves every login of a doctor run (its trust manager is built once).
     */
    ServiceLogin(X509Certificate root, String rootPem, String address, Duration timeout) throws GeneralSecurityException {
        this.rootPem = rootPem;
        this.address = address;
        this.trust = SiteTls.trustManager(root, address);
        this.timeout = timeout;
    }

    /** MariaDB: a TLS session verified against the site CA, logged in as {@code user}, one query. */
    String database(int localPort, String database, String user, Secret password) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.reveal());
        p.setProperty("sslMode", "verify-ca");
        p.setProperty("serverSslCert", rootPem);
        p.setProperty("connectTimeout", String.valueOf(timeout.toMillis()));
        p.setProperty("socketTimeout", String.valueOf(timeout.toMillis()));
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + localPort + "/" + database, p);
             ResultSet rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
            String tls = rs.next() ? rs.getString(2) : "";
            if (!tls.startsWith("TLS")) {
                throw new SSLException("the session is not encrypted");
            }
            return "logged in as " + user + " to database " + database + " over " + tls;
        }
    }

    /** RabbitMQ: AMQPS, a channel on the application's vhost, and one message there and back on a private queue. */
    String broker(int localPort, String vhost, String user, Secret password) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(localPort);
        factory.setVirtualHost(vhost);
        factory.setUsername(user);
        factory.setPassword(password.reveal());
        factory.useSslProtocol(SiteTls.context(trust));
        int millis = (int) timeout.toMillis();
        factory.setConnectionTimeout(millis);
        factory.setHandshakeTimeout(millis);
        factory.setShutdownTimeout(millis);
        factory.setAutomaticRecoveryEnabled(false);
        try (com.rabbitmq.client.Connection connection = factory.newConnection("oth doctor");
             Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            channel.confirmSelect();
            channel.basicPublish("", queue, MessageProperties.MINIMAL_BASIC, "oth doctor".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(timeout.toMillis());
            GetResponse back = channel.basicGet(queue, true);
            if (back == null) {
                throw new IllegalStateException("a message published to a private queue did not come back");
            }
            return "AMQPS as " + user + " on vhost " + vhost + ": channel open, a message went there and back";
        }
    }

    /** MinIO (S3): the application's bucket, seen with the application's key. */
    String objects(int localPort, String bucket, String accessKey, Secret secretKey) throws Exception {
        OkHttpClient http = SiteTls.httpClient(trust, address, timeout).build();
        try {
            if (!new S3Reads(http, "https://127.0.0.1:" + localPort, accessKey, secretKey).bucketExists(bucket)) {
                throw new IllegalStateException("bucket " + bucket + " does not exist");
            }
            return "bucket " + bucket + " reachable over TLS with key " + accessKey;
        } finally {
            // No idle connection is kept: the forward it runs through closes with this check.
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
        }
    }

    /**
     * Loads the three clients' classes and the TLS machinery, so that this happens while the SSH
     * connections are being made rather than after: most of a first login's time is class loading.
     * It takes the logins' own path, a context over a trust manager of oth's: the JDK's default
     * context, which parses every CA of the JDK's trust store, is never used by a check.
     */
    static void warmUp() {
        try {
            Class.forName("org.mariadb.jdbc.Driver");
            X509TrustManager trust = SiteTls.trusting(List.of());
            new ConnectionFactory().useSslProtocol(SiteTls.context(trust));
            OkHttpClient http = SiteTls.httpClient(trust, "127.0.0.1", Duration.ofSeconds(1)).build();
            new S3Reads(http, "https://127.0.0.1:9", "-", Secret.of("-"));
        } catch (Exception e) {
            // only a head start: the logins load what they need anyway
        }
    }

    /** The class of a failed login, from the exception and its causes. */
    static Trouble trouble(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof SSLException || e instanceof java.security.cert.CertificateException) {
                return Trouble.TLS;
            }
            if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
                return Trouble.AUTHENTICATION;
            }
            if (e instanceof SQLException sql && (sql.getErrorCode() == 1045 || sql.getErrorCode() == 1044)) {
                return Trouble.AUTHENTICATION;
            }
            if (e instanceof MinioRefusal s3 && s3.status() == 403) {
                return Trouble.AUTHENTICATION;
            }
            String message = String.valueOf(e.getMessage());
            if (message.contains("ACCESS_REFUSED") || message.contains("NOT_ALLOWED")) {
                return Trouble.AUTHENTICATION;
            }
            // A socket's timeout, and OkHttp's for a whole call (which closes the socket under the call:
            // "Socket closed" is then its cause, not the reason).
            if (e instanceof InterruptedIOException || e instanceof TimeoutException) {
                return Trouble.TIMEOUT;
            }
            if (e instanceof ConnectException || message.toLowerCase(Locale.ROOT).contains("connection reset")
                    || message.contains("unexpected end of stream") || e instanceof java.io.EOFException) {
                return Trouble.CONNECTION;
            }
        }
        return Trouble.OTHER;
    }

    /** What a login that ran out of time says of it: the timeout's own words ("Read timed out"). */
    static String timedOut(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof InterruptedIOException || e instanceof TimeoutException) {
                String said = e.getMessage() == null || e.getMessage().equals("timeout") ? "the request timed out" : e.getMessage();
                return reason(said);
            }
        }
        return reason(failure);
    }

    /** The innermost message: usually the one that says what happened. */
    static String reason(Throwable failure) {
        Throwable last = failure;
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e.getMessage() != null) {
                last = e;
            }
        }
        return reason(last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage());
    }

    /** {@code message} as a finding shows it: its first line, at most 160 characters. */
    private static String reason(String message) {
        String line = message.lines().findFirst().orElse("").strip();
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
