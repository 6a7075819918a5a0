package io.oth.op;

import io.oth.install.TarBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unpack script as a node runs it (sh, GNU tar, coreutils; here on this machine, as on a
 * Debian node): what reaches the node is checked again there, and a failure leaves the release
 * that was there as it was, and no temporary directory.
 */
class UnpackScriptTest {
    private static final byte[] JAR = "jar 1.0.1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;
    private Path releases;
    private Path dest;

    @BeforeEach
    void anOldRelease() throws IOException {
        releases = Files.createDirectories(root.resolve("opt/oth-app/releases"));
        dest = Files.createDirectories(releases.resolve("1.0.1"));
        Files.writeString(dest.resolve("oth-app.jar"), "the release that runs");
    }

    private record Result(int code, String output) {
    }

    private Result unpack(Path bundle, String sha256, int files) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", UnpackOp.unpack(bundle.toString(), dest.toString(), sha256, files))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Path bundle(TarBuilder tar) {
        return tar.writeTo(root.resolve("bundle.tar.gz"));
    }

    private static String sha256(Path file) throws IOException {
        return FileOp.sha256(Files.readAllBytes(file));
    }

    private void assertOldReleaseIntactAndNoTemporaryDirectory() throws IOException {
        assertEquals("the release that runs", Files.readString(dest.resolve("oth-app.jar")));
        try (Stream<Path> left = Files.list(releases)) {
            assertEquals(List.of(dest), left.toList(), "only the old release is left in " + releases);
        }
    }

    @Test
    void unpacksIntoPlaceWithTheChecksumMarkAndReadableModes() throws Exception {
        Path bundle = bundle(new TarBuilder().file("manifest.yml", "name: oth-app\n").file("oth-app.jar", JAR, 0600).dir("lib")
                .file("lib/x.jar", "x"));

        Result r = unpack(bundle, sha256(bundle), 3);

        assertEquals(0, r.code(), r.output());
        assertEquals("jar 1.0.1", Files.readString(dest.resolve("oth-app.jar")));
        assertEquals(sha256(bundle) + "\n", Files.readString(dest.resolve(".oth-bundle-sha256")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)), "the app user can enter it");
        try (Stream<Path> left = Files.list(releases)) {
            assertEquals(List.of(dest), left.toList(), "no temporary directory, no old copy left");
        }
        assertTrue(UnpackOp.holds(dest.toString(), sha256(bundle)).contains(dest.toString()));
    }

    @Test
    void aBundleDamagedAfterTheOperatorsCheckIsNotUnpacked() throws Exception {
        Path bundle = bundle(new TarBuilder().file("oth-app.jar", JAR, 0644));
        String checked = sha256(bundle);
        byte[] bytes = Files.readAllBytes(bundle);
        bytes[bytes.length / 2] ^= 1;
        Files.write(bundle, bytes);

        Result r = unpack(bundle, checked, 1);

        assertNotEquals(0, r.code());
        assertTrue(r.output().contains(bundle + ": sha256 is " + sha256(bundle) + ", not " + checked
                + " as oth checked it: damaged or altered after the upload; nothing was unpacked"), r.output());
        assertOldReleaseIntactAndNoTemporaryDirectory();
    }

    @Test
    void aLinkTheOperatorsCheckDidNotSeeIsFoundInTheUnpackedTree() throws Exception {
        Path bundle = bundle(new TarBuilder().file("manifest.yml", "x").symlink("oth-app.jar", "/etc/shadow"));

        Result r = unpack(bundle, sha256(bundle), 1);

        assertNotEquals(0, r.code());
        assertTrue(r.output().contains("tar unpacked 1 files (oth checked 1), and these that are not plain files and directories: oth-app.jar ;"
                + " nothing was installed"), r.output());
        assertOldReleaseIntactAndNoTemporaryDirectory();
    }

    @Test
    void moreFilesThanTheOperatorSawAreRefused() throws Exception {
        Path bundle = bundle(new TarBuilder().file("oth-app.jar", JAR, 0644).file("extra", "x"));

        Result r = unpack(bundle, sha256(bundle), 1);

        assertNotEquals(0, r.code());
        assertTrue(r.output().contains("tar unpacked 2 files (oth checked 1)"), r.output());
        assertOldReleaseIntactAndNoTemporaryDirectory();
    }

    @Test
    void aFailingTarLeavesNothingBehind() throws Exception {
        Path bundle = root.resolve("bundle.tar.gz");
        Files.write(bundle, TarBuilder.truncated(new TarBuilder().zeros("oth-app.jar", 1 << 20).bytes(), 200));

        Result r = unpack(bundle, sha256(bundle), 1);

        assertNotEquals(0, r.code());
        assertTrue(r.output().contains("tar"), r.output());
        assertOldReleaseIntactAndNoTemporaryDirectory();
    }

    @Test
    void leftoversOfEarlierRunsAreRemovedButNotAFreshUnpack() throws Exception {
        Path oldStyle = Files.createDirectories(releases.resolve("1.0.1.oth-new"));
        Path killed = Files.createDirectories(releases.resolve(UnpackOp.TEMP_PREFIX + "killed"));
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Path running = Files.createDirectories(releases.resolve(UnpackOp.TEMP_PREFIX + "running"));
        Path bundle = bundle(new TarBuilder().file("oth-app.jar", JAR, 0644));

        Result r = unpack(bundle, sha256(bundle), 1);

        assertEquals(0, r.code(), r.output());
        assertFalse(Files.exists(oldStyle));
        assertFalse(Files.exists(killed));
        assertTrue(Files.exists(running), "a temporary directory of less than an hour may be another unpack's");
    }

    private static int sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private static String probe(UnpackOp op) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", op.probes().get(0).script()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** What oth notes in a release (its JVM's options) is part of the release: a release without it, or with other notes, is unpacked again. */
    @Test
    void notesAreWrittenIntoTheReleaseAndCheckedWithIt() throws Exception {
        Path bundle = bundle(new TarBuilder().file("oth-app.jar", JAR, 0644));
        String sum = sha256(bundle);
        List<UnpackOp.Note> notes = List.of(new UnpackOp.Note(".oth-java-options", "JAVA_OPTIONS=\"-Xmx200m -Dx='y'\""));
        Path current = root.resolve("opt/oth-app/current");
        UnpackOp op = new UnpackOp(bundle.toString(), dest.toString(), current.toString(), sum, 1, java.util.Set.of(), notes);

        assertEquals(0, sh(UnpackOp.unpack(bundle.toString(), dest.toString(), sum, 1) + "; " + UnpackOp.switchTo(dest.toString(), current.toString())));
        assertNotEquals(0, sh(UnpackOp.holds(dest.toString(), sum, notes)), "unpacked without the note");
        assertEquals(0, sh(UnpackOp.holds(dest.toString(), sum)));
        assertTrue(op.plan(java.util.Map.of(op.probes().get(0).key(), new Probe.Answer(0, probe(op))), java.util.Set.of()).isPresent(),
                "a release unpacked before oth noted anything is unpacked again");

        assertEquals(0, sh(UnpackOp.unpack(bundle.toString(), dest.toString(), sum, 1, notes)));
        assertEquals("JAVA_OPTIONS=\"-Xmx200m -Dx='y'\"\n", Files.readString(dest.resolve(".oth-java-options")));
        assertEquals(0, sh(UnpackOp.holds(dest.toString(), sum, notes)));
        assertNotEquals(0, sh(UnpackOp.holds(dest.toString(), sum, List.of(new UnpackOp.Note(".oth-java-options", "JAVA_OPTIONS=\"-Xmx256m\"")))));
        assertEquals(java.util.Optional.empty(), op.plan(java.util.Map.of(op.probes().get(0).key(), new Probe.Answer(0, probe(op))), java.util.Set.of()));
        try (Stream<Path> left = Files.list(releases)) {
            assertEquals(List.of(dest), left.toList(), "no temporary directory, no old copy left");
        }
        for (String[] bad : new String[][] {{"java-options", "x"}, {".oth-bundle-sha256", "x"}, {".oth-x", "a\nb"}, {".oth-../x", "x"}}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new UnpackOp.Note(bad[0], bad[1]), bad[0]);
        }
    }
}
