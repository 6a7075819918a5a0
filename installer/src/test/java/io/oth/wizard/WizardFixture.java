package io.oth.wizard;

import io.oth.cert.TestBundles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** What every wizard test starts from: a state directory, a 0600 key file, a good certificate bundle, and the scripted terminal. */
abstract class WizardFixture {
    @TempDir
    Path dir;

    Path state;
    Path key;
    Path bundle;

    @BeforeEach
    void files() throws IOException {
        state = dir.resolve("state");
        key = dir.resolve("id_ed25519");
        Files.writeString(key, "not read by the wizard\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, TestBundles.good());
    }

    Scripted wizard() {
        return new Scripted(state, TestBundles.clock()).resolving("oth.example.test", "203.0.113.20");
    }
}
