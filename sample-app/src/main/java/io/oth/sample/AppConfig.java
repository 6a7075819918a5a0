package io.oth.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The application's configuration, read from a properties file. The {@code database.*},
 * {@code broker.*} and {@code objects.*} sections are each optional; a section that is present is
 * complete, and its check is reported by {@code /healthz}. Secrets come from files named by the
 * {@code *_file} keys and never appear in the properties file itself.
 */
public record AppConfig(String listenAddress, int listenPort, String nodeName, Duration checkTimeout,
        Optional<DatabaseSettings> database, Optional<BrokerSettings> broker, Optional<ObjectStoreSettings> objects) {

    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;
    static final int DEFAULT_TIMEOUT_SECONDS = 3;
    private static final Set<String> KEYS = Set.of(
            "listen.address", "listen.port", "node.name", "healthz.timeout_seconds",
            "database.host", "database.port", "database.name", "database.user", "database.password_file",
            "database.ca_file",
            "broker.host", "broker.port", "broker.vhost", "broker.user", "broker.password_file", "broker.ca_file",
            "objects.endpoint", "objects.region", "objects.bucket", "objects.access_key", "objects.secret_key_file",
            "objects.ca_file");

    /** Listening settings only: no service checks. */
    public AppConfig(String listenAddress, int listenPort, String nodeName) {
        this(listenAddress, listenPort, nodeName, Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static AppConfig defaults() {
        return new AppConfig(DEFAULT_ADDRESS, DEFAULT_PORT, Hostname.local());
    }

    public static AppConfig load(Path file) throws ConfigException {
        ConfigReader in = ConfigReader.read(file, KEYS);
        String address = in.nonEmpty("listen.address", DEFAULT_ADDRESS);
        int port = in.port("listen.port", DEFAULT_PORT);
        String node = in.text("node.name", "");
        int timeout = in.integer("healthz.timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, 60, "a number of seconds");
        return new AppConfig(address, port, node.isEmpty() ? Hostname.local() : node, Duration.ofSeconds(timeout),
                in.hasSection("database.") ? Optional.of(database(in)) : Optional.empty(),
                in.hasSection("broker.") ? Optional.of(broker(in)) : Optional.empty(),
                in.hasSection("objects.") ? Optional.of(objects(in)) : Optional.empty());
    }

    private static DatabaseSettings database(ConfigReader in) throws ConfigException {
        return new DatabaseSettings(in.required("database.host"),
                in.port("database.port", DatabaseSettings.DEFAULT_PORT),
                in.required("database.name"), in.required("database.user"),
                in.secretFile("database.password_file"), in.caFile("database.ca_file"));
    }

    private static BrokerSettings broker(ConfigReader in) throws ConfigException {
        return new BrokerSettings(in.required("broker.host"),
                in.port("broker.port", BrokerSettings.DEFAULT_PORT),
                in.text("broker.vhost", BrokerSettings.DEFAULT_VHOST), in.required("broker.user"),
                in.secretFile("broker.password_file"), in.caFile("broker.ca_file"));
    }

    private static ObjectStoreSettings objects(ConfigReader in) throws ConfigException {
        return new ObjectStoreSettings(in.serverUrl("objects.endpoint"),
                in.text("objects.region", ObjectStoreSettings.DEFAULT_REGION), in.required("objects.bucket"),
                in.required("objects.access_key"), in.secretFile("objects.secret_key_file"),
                in.optionalCaFile("objects.ca_file"));
    }
}
