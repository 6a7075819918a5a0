package io.oth.sample;

/** The {@code broker.*} keys: RabbitMQ over AMQPS, the server certificate checked against {@code caFile}. */
public record BrokerSettings(String host, int port, String vhost, String user, Secret password, CaFile caFile) {
    static final int DEFAULT_PORT = 5671;
    static final String DEFAULT_VHOST = "/";
}
