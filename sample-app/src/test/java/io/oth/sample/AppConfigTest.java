package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @TempDir
    Path dir;

    private Path ca;

    @BeforeEach
    void files() throws Exception {
        ca = dir.resolve("ca.pem");
        try (InputStream in = AppConfigTest.class.getResourceAsStream("test-ca.pem")) {
            Files.copy(in, ca);
        }
        secretFile("db.password", "db-secret-1\n", "rw-------");
        secretFile("mq.password", "mq-secret-2", "r--------");
        secretFile("s3.secret", "s3-secret-3\r\n", "rw-------");
        secretFile("open.password", "open-secret", "rw-r-----");
        secretFile("empty.password", "\n", "rw-------");
        Files.writeString(dir.resolve("not-a-cert.pem"), "hello\n");
    }

    private void secretFile(String name, String content, String permissions) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("app.properties"), content);
    }

    private static final String SECTIONS = """
            database.host = 10.0.1.5
            database.name = oth
            database.user = oth_app
            database.password_file = db.password
            database.ca_file = ca.pem
            broker.host = mq-1.oth.internal
            broker.user = oth_app
            broker.password_file = mq.password
            broker.ca_file = ca.pem
            objects.endpoint = https://10.0.1.5:9000
            objects.bucket = oth-data
            objects.access_key = oth-app
            objects.secret_key_file = s3.secret
            """;

    @Test
    void readsListeningKeys() throws Exception {
        Path file = write("""
                listen.address = 0.0.0.0
                listen.port = 9090
                node.name = app-2
                """);
        assertEquals(new AppConfig("0.0.0.0", 9090, "app-2"), AppConfig.load(file));
    }

    @Test
    void defaultsApplyToMissingKeys() throws Exception {
        AppConfig config = AppConfig.load(write("node.name=app-3\n"));
        assertEquals(new AppConfig("127.0.0.1", 8080, "app-3"), config);
        assertEquals(Duration.ofSeconds(3), config.checkTimeout());
        assertEquals(Optional.empty(), config.database());
    }

    @Test
    void readsEverySectionWithItsSecretsFromFiles() throws Exception {
        AppConfig config = AppConfig.load(write(SECTIONS + """
                healthz.timeout_seconds = 5
                database.port = 3307
                broker.port = 5672
                broker.vhost = oth
                objects.region = eu-central-1
                objects.ca_file = ca.pem
                """));
        assertEquals(Duration.ofSeconds(5), config.checkTimeout());
        DatabaseSettings database = config.database().orElseThrow();
        assertEquals("10.0.1.5", database.host());
        assertEquals(3307, database.port());
        assertEquals("oth", database.name());
        assertEquals("oth_app", database.user());
        assertEquals("db-secret-1", database.password().reveal());
        assertEquals(ca, database.caFile().path());
        assertEquals(1, database.caFile().certificates().size());
        BrokerSettings broker = config.broker().orElseThrow();
        assertEquals("mq-1.oth.internal", broker.host());
        assertEquals(5672, broker.port());
        assertEquals("oth", broker.vhost());
        assertEquals("oth_app", broker.user());
        assertEquals("mq-secret-2", broker.password().reveal());
        assertEquals(ca, broker.caFile().path());
        ObjectStoreSettings objects = config.objects().orElseThrow();
        assertEquals(URI.create("https://10.0.1.5:9000"), objects.endpoint());
        assertEquals("eu-central-1", objects.region());
        assertEquals("oth-data", objects.bucket());
        assertEquals("oth-app", objects.accessKey());
        assertEquals("s3-secret-3", objects.secretKey().reveal());
        assertEquals(ca, objects.caFile().orElseThrow().path());
    }

    @Test
    void sectionDefaults() throws Exception {
        AppConfig config = AppConfig.load(write(SECTIONS));
        assertEquals(3306, config.database().orElseThrow().port());
        assertEquals(5671, config.broker().orElseThrow().port());
        assertEquals("/", config.broker().orElseThrow().vhost());
        assertEquals("us-east-1", config.objects().orElseThrow().region());
        assertEquals(Optional.empty(), config.objects().orElseThrow().caFile());
    }

    @Test
    void secretsNeverPrint() throws Exception {
        String printed = AppConfig.load(write(SECTIONS)).toString();
        assertFalse(printed.contains("db-secret-1") || printed.contains("mq-secret-2") || printed.contains("s3-secret-3"),
                printed);
        assertTrue(printed.contains("password=***"), printed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "listen.port=http                 | listen.port: \"http\" is not a port number (1-65535)",
        "listen.port=70000                | listen.port: \"70000\" is not a port number (1-65535)",
        "listen.address=                  | listen.address: must not be empty",
        "listen.adress=10.0.0.1           | listen.adress: unknown key (known: ",
        "healthz.timeout_seconds=0        | healthz.timeout_seconds: \"0\" is not a number of seconds (1-60)",
        "database.password=hunter2        | database.password: unknown key (secrets go in a file named by database.password_file)",
        "objects.secret_key=x             | objects.secret_key: unknown key (secrets go in a file named by objects.secret_key_file)",
        "database.host=db-1               | database.name: missing (needed once any database.* key is set)",
        "broker.host=                     | broker.host: must not be empty",
        "objects.bucket=b                 | objects.endpoint: missing (needed once any objects.* key is set)",
    })
    void errorsNameTheFileAndTheKey(String line, String expected) throws Exception {
        Path file = write(line + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> AppConfig.load(file));
        assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "database.port=0                      | database.port: \"0\" is not a port number (1-65535)",
        "broker.port=amqps                    | broker.port: \"amqps\" is not a port number (1-65535)",
        "objects.endpoint=ftp://s3-1:9000     | objects.endpoint: \"ftp://s3-1:9000\" is not a server URL like https://host:9000",
        "objects.endpoint=https://s3-1:9000/b | objects.endpoint: \"https://s3-1:9000/b\" is not a server URL",
        "database.password_file=nope.password | database.password_file: DIR/nope.password: no such file",
        "database.password_file=open.password | database.password_file: DIR/open.password: mode 0640 lets group or others in; it must be 0600 or 0400 (chmod 600 DIR/open.password)",
        "database.password_file=empty.password | database.password_file: DIR/empty.password: is empty",
        "database.password_file=.             | database.password_file: DIR: not a regular file",
        "database.ca_file=nope.pem            | database.ca_file: DIR/nope.pem: no such file",
        "database.ca_file=not-a-cert.pem      | database.ca_file: DIR/not-a-cert.pem: ",
        "broker.password_file=open.password   | broker.password_file: DIR/open.password: mode 0640",
        "broker.ca_file=nope.pem              | broker.ca_file: DIR/nope.pem: no such file",
        "objects.secret_key_file=open.password | objects.secret_key_file: DIR/open.password: mode 0640",
        "objects.ca_file=not-a-cert.pem       | objects.ca_file: DIR/not-a-cert.pem: ",
    })
    void sectionValuesAreCheckedByKey(String line, String expected) throws Exception {
        String key = line.substring(0, line.indexOf('='));
        String sections = SECTIONS.lines().filter(l -> !l.startsWith(key + " ")).reduce("", (a, b) -> a + b + "\n");
        Path file = write(sections + line + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> AppConfig.load(file));
        String want = file + ": " + expected.replace("DIR", dir.toString());
        assertTrue(e.getMessage().startsWith(want), e.getMessage());
        assertFalse(e.getMessage().contains("open-secret"), e.getMessage());
    }

    @Test
    void absolutePathsAreTakenAsGiven() throws Exception {
        String sections = SECTIONS.replace("database.password_file = db.password",
                "database.password_file = " + dir.resolve("db.password"));
        assertEquals("db-secret-1", AppConfig.load(write(sections)).database().orElseThrow().password().reveal());
    }
}
