package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleAppCommandTest {

    @Test
    void versionComesFromTheBuild() {
        assertEquals(System.getProperty("app.version"), SampleApp.buildVersion());
    }

    @Test
    void versionFlagPrintsTheBuildVersion() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, SampleApp.run(new PrintStream(out, true), System.err, "--version"));
        assertEquals(System.getProperty("app.version") + "\n", out.toString());
    }

    @Test
    void aPasswordFileOthersCanReadStopsTheStart(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("db.password"), "db-secret-1\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = Files.writeString(dir.resolve("app.properties"), """
                database.host = 127.0.0.1
                database.name = oth
                database.user = oth_app
                database.password_file = db.password
                database.ca_file = ca.pem
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SampleApp.run(new PrintStream(out, true), new PrintStream(err, true), "--config", config.toString());
        assertEquals(2, code);
        assertEquals(config + ": database.password_file: " + password
                + ": mode 0644 lets group or others in; it must be 0600 or 0400 (chmod 600 " + password + ")\n",
                err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void badConfigExitsWithTheMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SampleApp.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true),
                "--config", "/nonexistent/app.properties");
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("/nonexistent/app.properties: cannot read"), err.toString());
    }
}
