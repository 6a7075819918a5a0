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
import java.util.function.Supplier;

/**
 * RabbitMQ over AMQPS: trusts only the CA file, verifies the host name, then sends a probe message
 * through a server-named exclusive queue and reads it back.
 */
final class BrokerCheck implements Supplier<Result> {

    private static final long POLL_MILLIS = 20;

    private final BrokerSettings settings;
    private final String node;
    private final Duration timeout;
    private final ConnectionFactory factory;

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
        // A probe that reconnects behind our back would hide the very failure it is there to report.
        factory.setAutomaticRecoveryEnabled(false);
    }

    static HealthCheck of(BrokerSettings settings, String node, Duration timeout) throws GeneralSecurityException {
        return new HealthCheck("broker", timeout, new BrokerCheck(settings, node, timeout));
    }

    @Override
    public Result get() {
        long deadline = System.nanoTime() + timeout.toNanos();
        String step = "connect to " + settings.host() + ":" + settings.port();
        Connection connection = null;
        try {
            connection = factory.newConnection("oth-app healthz on " + node);
            step = "open a channel";
            Channel channel = connection.createChannel();
            step = "declare a queue";
            String queue = channel.queueDeclare().getQueue();
            byte[] probe = ("healthz " + node + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            step = "publish";
            channel.basicPublish("", queue, null, probe);
            step = "get the probe message back";
            while (System.nanoTime() < deadline) {
                GetResponse response = channel.basicGet(queue, true);
                if (response != null) {
                    return Arrays.equals(response.getBody(), probe) ? Result.pass()
                            : Result.fail("got a message that is not the probe");
                }
                Thread.sleep(POLL_MILLIS);
            }
            return Result.fail("probe message did not come back within " + HealthCheck.format(timeout));
        } catch (IOException | TimeoutException | RuntimeException e) {
            return Result.fail(step + ": " + FailureReason.describe(e, settings.password()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.fail(step + ": interrupted");
        } finally {
            if (connection != null) {
                // Closing the connection drops the exclusive queue with it.
                connection.abort(Math.toIntExact(timeout.toMillis()));
            }
        }
    }
}
