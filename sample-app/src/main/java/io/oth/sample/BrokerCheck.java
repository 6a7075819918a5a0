package io.oth.sample;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.oth.sample.HealthCheck.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * RabbitMQ over AMQPS: trusts only the CA file, verifies the host name, opens a channel and a
 * server-named exclusive queue; each check sends a probe message through that queue and reads it
 * back, on the connection kept between checks ({@link KeptConnection}).
 */
final class BrokerCheck {

    private static final long POLL_MILLIS = 20;

    private final BrokerSettings settings;
    private final String node;
    private final Duration timeout;
    private final ConnectionFactory factory;
    private final KeptConnection<Session> kept = new KeptConnection<>(this::connect, this::roundTrip, this::abort);

    /** A connection with its channel and its exclusive queue (dropped with the connection). */
    private record Session(Connection connection, Channel channel, String queue) {
    }

    BrokerCheck(BrokerSettings settings, String node, Duration timeout) throws GeneralSecurityException {
        this.settings = settings;
        this.node = node;
        this.timeout = timeout;
        int millis = Math.toIntExact(timeout.toMillis());
        factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setVirtualHost(settings.vhost());
        factory.setUsername(settings.user());
        factory.setPassword(settings.password().reveal());
        factory.useSslProtocol(settings.caFile().sslContext());
        factory.enableHostnameVerification();
        factory.setConnectionTimeout(millis);
        factory.setHandshakeTimeout(millis);
        factory.setChannelRpcTimeout(millis);
        factory.setShutdownTimeout(millis);
        // A connection that recovers behind our back would hide the very failure a check is there to
        // report: KeptConnection replaces a failed one in a check, and reports that check's result.
        factory.setAutomaticRecoveryEnabled(false);
    }

    static HealthCheck of(BrokerSettings settings, String node, Duration timeout) throws GeneralSecurityException {
        return new HealthCheck("broker", timeout, new BrokerCheck(settings, node, timeout).kept());
    }

    /** The check: a round trip on the connection it keeps ({@link KeptConnection}). */
    KeptConnection<Session> kept() {
        return kept;
    }

    private Session connect() throws KeptConnection.NotOpened {
        String step = "connect to " + settings.host() + ":" + settings.port();
        Connection connection = null;
        try {
            connection = factory.newConnection("oth-app healthz on " + node);
            step = "open a channel";
            Channel channel = connection.createChannel();
            step = "declare a queue";
            Session session = new Session(connection, channel, channel.queueDeclare().getQueue());
            connection = null;
            return session;
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw new KeptConnection.NotOpened(Result.fail(step + ": " + FailureReason.describe(e, settings.password())));
        } finally {
            if (connection != null) {
                connection.abort(Math.toIntExact(timeout.toMillis()));
            }
        }
    }

    private Result roundTrip(Session session) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] probe = ("healthz " + node + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String step = "publish";
        try {
            session.channel().basicPublish("", session.queue(), null, probe);
            step = "get the probe message back";
            while (System.nanoTime() < deadline) {
                GetResponse response = session.channel().basicGet(session.queue(), true);
                if (response != null) {
                    return Arrays.equals(response.getBody(), probe) ? Result.pass()
                            : Result.fail("got a message that is not the probe");
                }
                Thread.sleep(POLL_MILLIS);
            }
            return Result.fail("probe message did not come back within " + HealthCheck.format(timeout));
        } catch (IOException | RuntimeException e) {
            return Result.fail(step + ": " + FailureReason.describe(e, settings.password()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.fail(step + ": interrupted");
        }
    }

    /** Closing the connection drops the exclusive queue with it. */
    private void abort(Session session) {
        session.connection().abort(Math.toIntExact(timeout.toMillis()));
    }
}
