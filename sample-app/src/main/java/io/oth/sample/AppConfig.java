package io.oth.sample;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The application's configuration, read from a properties file.
 *
 * <p>Keys under {@code database.}, {@code broker.} and {@code objects.} are reserved for the
 * checks of MariaDB, RabbitMQ and the object store; they are accepted and not yet used.
 */
public record AppConfig(String listenAddress, int listenPort, String nodeName) {

    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;
    private static final Set<String> KEYS = Set.of("listen.address", "listen.port", "node.name");
    private static final List<String> RESERVED_PREFIXES = List.of("database.", "broker.", "objects.");

    public static AppConfig defaults() {
        return new AppConfig(DEFAULT_ADDRESS, DEFAULT_PORT, Hostname.local());
    }

    public static AppConfig load(Path file) throws ConfigException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read: " + e);
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!KEYS.contains(key) && RESERVED_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new ConfigException(file + ": " + key + ": unknown key (known: " + new TreeSet<>(KEYS)
                        + ", and the reserved prefixes " + RESERVED_PREFIXES + ")");
            }
        }
        String address = properties.getProperty("listen.address", DEFAULT_ADDRESS).strip();
        if (address.isEmpty()) {
            throw new ConfigException(file + ": listen.address: must not be empty");
        }
        String port = properties.getProperty("listen.port", String.valueOf(DEFAULT_PORT)).strip();
        String node = properties.getProperty("node.name", "").strip();
        return new AppConfig(address, parsePort(file, port), node.isEmpty() ? Hostname.local() : node);
    }

    private static int parsePort(Path file, String value) throws ConfigException {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException(file + ": listen.port: \"" + value + "\" is not a port number (1-65535)");
        }
        return port;
    }
}
