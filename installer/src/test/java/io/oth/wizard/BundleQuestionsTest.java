package io.oth.wizard;

import io.oth.install.ProgramBundle;
import io.oth.install.ReleaseBundle;
import io.oth.install.TarBuilder;
import io.oth.op.FileOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wizard refuses a bundle install would refuse, with install's own message, while the person is still there to fix it. */
class BundleQuestionsTest {
    private static final byte[] JAR = "a jar\n".getBytes();

    @TempDir
    Path dir;

    @Test
    void aGoodReleaseIsAccepted() {
        Path file = new TarBuilder().manifest("oth-app.jar", FileOp.sha256(JAR)).file("oth-app.jar", JAR, 0644).writeTo(dir.resolve("app.tar.gz"));
        Verdict<Object> verdict = Checks.releaseBundle("app.tar.gz", new Draft(dir), "a release", ReleaseBundle::read);
        assertEquals(file, assertInstanceOf(Verdict.Accepted.class, verdict).value());
    }

    @Test
    void aReleaseWithoutItsChecksumFileIsRefusedAsInstallWouldRefuseIt() throws Exception {
        Path file = new TarBuilder().manifest("oth-app.jar", FileOp.sha256(JAR)).file("oth-app.jar", JAR, 0644).writeTo(dir.resolve("app.tar.gz"));
        Files.delete(dir.resolve("app.tar.gz.sha256"));
        String message = refused(Checks.releaseBundle("app.tar.gz", new Draft(dir), "a release", ReleaseBundle::read));
        assertTrue(message.startsWith(file.toString()) && message.contains(".sha256"), message);
    }

    @Test
    void aTraefikBundleThatEscapesItsDirectoryIsRefusedNamingTheEntry() {
        new TarBuilder().file("traefik", JAR, 0755).file("../escape.sh", "x").writeTo(dir.resolve("traefik.tar.gz"));
        String message = refused(Checks.releaseBundle("traefik.tar.gz", new Draft(dir), "a traefik bundle", f -> ProgramBundle.read(f, ProgramBundle.TRAEFIK)));
        assertTrue(message.contains("entry \"../escape.sh\""), message);
    }

    @Test
    void aMinioBundleWithoutTheExecutableIsRefused() {
        new TarBuilder().file("README", "x").writeTo(dir.resolve("minio.tar.gz"));
        String message = refused(Checks.releaseBundle("minio.tar.gz", new Draft(dir), "a MinIO bundle", f -> ProgramBundle.read(f, ProgramBundle.MINIO)));
        assertTrue(message.contains("no minio executable"), message);
    }

    private static String refused(Verdict<Object> verdict) {
        return assertInstanceOf(Verdict.Refused.class, verdict).message();
    }
}
