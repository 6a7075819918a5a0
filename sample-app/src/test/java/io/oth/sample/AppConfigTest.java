package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @TempDir
    Path dir;

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("app.properties"), content);
    }

    @Test
    void readsAllKeysAndAcceptsReservedOnes() throws Exception {
        Path file = write("""
                listen.address = 0.0.0.0
                listen.port = 9090
                node.name = app-2
                database.host = db-1
                broker.host = mq-1
                objects.endpoint = http://s3-1:9000
                """);
        assertEquals(new AppConfig("0.0.0.0", 9090, "app-2"), AppConfig.load(file));
    }

    @Test
    void defaultsApplyToMissingKeys() throws Exception {
        AppConfig config = AppConfig.load(write("node.name=app-3\n"));
        assertEquals(new AppConfig("127.0.0.1", 8080, "app-3"), config);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "listen.port=http       | listen.port: \"http\" is not a port number (1-65535)",
        "listen.port=70000      | listen.port: \"70000\" is not a port number (1-65535)",
        "listen.address=        | listen.address: must not be empty",
        "listen.adress=10.0.0.1 | listen.adress: unknown key",
    })
    void errorsNameTheFileAndTheKey(String line, String expected) throws Exception {
        Path file = write(line + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> AppConfig.load(file));
        assertEquals(file + ": " + expected, e.getMessage().substring(0, (file + ": " + expected).length()));
    }
}
