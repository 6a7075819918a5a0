package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

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
    void badConfigExitsWithTheMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SampleApp.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true),
                "--config", "/nonexistent/app.properties");
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("/nonexistent/app.properties: cannot read"), err.toString());
    }
}
