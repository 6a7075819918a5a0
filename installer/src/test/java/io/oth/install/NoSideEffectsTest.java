package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.site.SiteFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rejected input changes nothing: an install (or a plan) that stops on a bad bundle has written no
 * CA, no secrets, no journal and no lock. oth runs in its own JVM, so that the state directory is
 * a scratch one ({@code XDG_STATE_HOME}), as it would be for a person.
 */
class NoSideEffectsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"install", "install --check", "certs rotate"})
    void aBadBundleStopsTheRunBeforeTheStateDirectoryIsTouched(String command) throws Exception {
        Path site = SiteFixtures.stage("good/minimal.yml", dir);
        Files.writeString(site, Files.readString(site) + "certificate:\n  bundle: ./bundle.pem\n");
        Path state = dir.resolve("state");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.oth.Main"));
        argv.addAll(List.of(command.split(" ")));
        argv.addAll(List.of("--site", site.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("XDG_STATE_HOME", state.toString());
        Process oth = pb.start();
        oth.getOutputStream().close();
        String output = new String(oth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(oth.waitFor(60, TimeUnit.SECONDS));

        assertEquals(ExitCode.USAGE.code(), oth.exitValue(), output);
        assertTrue(output.contains(dir.resolve("bundle.pem") + ": "), () -> "the bundle is named\n" + output);
        assertTrue(output.contains("oth: nothing was uploaded"), output);
        assertFalse(Files.exists(state), () -> "nothing in " + state + " (no ca/, secrets.yml, journal or lock)\n" + output);
    }
}
