package io.oth.sample;

/** The {@code database.*} keys: MariaDB reached over TLS, the server certificate checked against {@code caFile}. */
public record DatabaseSettings(String host, int port, String name, String user, Secret password, CaFile caFile) {
    static final int DEFAULT_PORT = 3306;
}
