package io.oth.install;

import io.oth.install.BundleContents.Limits;
import io.oth.install.ReleaseBundle.BundleException;
import io.oth.op.FileOp;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malicious or broken bundle is refused on the operator's side with the entry (or file) it
 * is about and why: one case per line below, the bundle made by the test, the message as printed
 * with {@code {file}} for the bundle's path.
 */
class BundleContentsTest {
    private static final String EXE = "#!/bin/sh\necho traefik\n";
    private static final Limits SMALL = new Limits(1 << 20, 64 << 10, 100 << 10, 8, 1 << 10);

    @TempDir
    Path dir;

    /** How a case is read: as a traefik bundle, or as an application release. */
    enum As { PROGRAM, RELEASE }

    record Case(String name, As as, Limits limits, Consumer<Path> make, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case program(String name, TarBuilder tar, String expected) {
        return new Case(name, As.PROGRAM, Limits.DEFAULT, file -> tar.writeTo(file), expected);
    }

    private static Case raw(String name, byte[] bytes, String expected) {
        return new Case(name, As.PROGRAM, Limits.DEFAULT, file -> TarBuilder.withChecksum(write(file, bytes)), expected);
    }

    private static TarBuilder traefik() {
        return new TarBuilder().file("traefik", EXE.getBytes(StandardCharsets.UTF_8), 0755);
    }

    static Stream<Case> refused() {
        String jarSum = FileOp.sha256("jar".getBytes(StandardCharsets.UTF_8));
        byte[] good = traefik().bytes();
        return Stream.of(
                program("parent directory", traefik().file("../escape.sh", "x"),
                        "{file}: entry \"../escape.sh\": a \"..\" component (it would land outside the bundle's directory)"),
                program("parent directory inside a path", traefik().file("lib/../../../etc/cron.d/oth", "x"),
                        "{file}: entry \"lib/../../../etc/cron.d/oth\": a \"..\" component (it would land outside the bundle's directory)"),
                program("absolute path", traefik().file("/etc/cron.d/oth", "x"), "{file}: entry \"/etc/cron.d/oth\": an absolute path"),
                new Case("symlink out of the release", As.RELEASE, Limits.DEFAULT, file -> new TarBuilder().manifest("oth-app.jar", jarSum)
                        .symlink("oth-app.jar", "/etc/shadow").writeTo(file),
                        "{file}: entry \"oth-app.jar\": a symbolic link to /etc/shadow (a bundle holds only regular files and directories)"),
                program("symlink inside the bundle", traefik().symlink("bin", "."),
                        "{file}: entry \"bin\": a symbolic link to . (a bundle holds only regular files and directories)"),
                program("hard link", traefik().special("shadow", TarConstants.LF_LINK, "/etc/shadow"),
                        "{file}: entry \"shadow\": a hard link to /etc/shadow (a bundle holds only regular files and directories)"),
                program("character device", traefik().special("mem", TarConstants.LF_CHR, null),
                        "{file}: entry \"mem\": a character device (a bundle holds only regular files and directories)"),
                program("block device", traefik().special("sda", TarConstants.LF_BLK, null),
                        "{file}: entry \"sda\": a block device (a bundle holds only regular files and directories)"),
                program("fifo", traefik().special("pipe", TarConstants.LF_FIFO, null),
                        "{file}: entry \"pipe\": a FIFO (a bundle holds only regular files and directories)"),
                program("duplicate name", traefik().file("traefik", "#!/bin/sh\nrm -rf /\n"),
                        "{file}: entry \"traefik\": a second entry named traefik (it would replace the first when unpacked)"),
                program("duplicate as ./name", traefik().file("./traefik", "second"),
                        "{file}: entry \"./traefik\": a second entry named traefik (it would replace the first when unpacked)"),
                program("duplicate as a//name", traefik().dir("lib").file("lib/x", "1").file("lib//x", "2"),
                        "{file}: entry \"lib//x\": a second entry named lib/x (it would replace the first when unpacked)"),
                program("file inside a file", traefik().file("traefik/config", "x"),
                        "{file}: entry \"traefik/config\": is inside traefik, which is a file in this bundle"),
                program("setuid", traefik().file("helper", "x".getBytes(StandardCharsets.UTF_8), 04755),
                        "{file}: entry \"helper\": mode 4755 sets setuid, setgid or sticky bits"),
                program("newline in a name", traefik().file("a\nERROR all good", "x"),
                        "{file}: entry \"a\\nERROR all good\": control characters in the name"),
                new Case("oversize entry", As.PROGRAM, SMALL, file -> traefik().zeros("big", (64 << 10) + 1).writeTo(file),
                        "{file}: entry \"big\": 65537 bytes, more than oth accepts for one file (65536)"),
                new Case("total size", As.PROGRAM, SMALL, file -> traefik().zeros("a", 60 << 10).zeros("b", 60 << 10).writeTo(file),
                        "{file}: entry \"b\": the bundle's files add up to more than oth accepts (102400 bytes)"),
                new Case("too many entries", As.PROGRAM, SMALL, file -> {
                    TarBuilder tar = traefik();
                    for (int i = 0; i < 8; i++) {
                        tar.file("f" + i, "x");
                    }
                    tar.writeTo(file);
                }, "{file}: entry \"f7\": more than 8 entries in one bundle"),
                new Case("compressed size", As.PROGRAM, new Limits(100, 1 << 20, 1 << 20, 8, 1024), file -> traefik().file("more", "y".repeat(5000))
                        .writeTo(file), "{file}: the bundle is 222 bytes, more than oth accepts (100)"),
                new Case("manifest over its cap (gzip bomb)", As.RELEASE, Limits.DEFAULT,
                        file -> new TarBuilder().zeros(ReleaseBundle.MANIFEST, 64L << 20).file("oth-app.jar", "jar").writeTo(file),
                        "{file}: entry \"manifest.yml\": 67108864 bytes, more than a manifest may have (65536)"),
                raw("truncated gzip", TarBuilder.truncated(good, 20), "{file}: not a complete .tar.gz (it ends in the middle: truncated)"),
                raw("not gzip", "name: oth-app\n".getBytes(StandardCharsets.UTF_8), "{file}: not a complete .tar.gz (Input is not in the .gz format)"),
                raw("gzip but not tar", gzip("just some text that is not a tar archive\n".repeat(20)),
                        "{file}: not a complete .tar.gz (Corrupted TAR archive)"),
                raw("garbage after the gzip stream", concat(good, "trailing".getBytes(StandardCharsets.UTF_8)),
                        "{file}: not a complete .tar.gz (Unexpected data after a valid .gz stream)"),
                raw("data hidden after the tar's end", gzip(concat(ungzip(good), "hidden".getBytes(StandardCharsets.UTF_8))),
                        "{file}: data after the end of the tar archive (hidden from tar, refused)"),
                raw("a bomb of padding after the tar's end", TarBuilder.gzipWithZeros(ungzip(good), 64L << 20),
                        "{file}: more than 1048576 bytes of padding after the end of the tar archive"),
                raw("empty bundle", gzip(new byte[1024]), "{file}: the bundle holds no files"),
                program("no executable", new TarBuilder().file("README.md", "x"), "{file}: no traefik executable at the top of the bundle"),
                checksumFile("wrong checksum", "0".repeat(64) + "  bundle.tar.gz\n", "{file}: sha256 is " + FileOp.sha256(good)
                        + ", bundle.tar.gz.sha256 says " + "0".repeat(64) + " (a damaged, incomplete or altered bundle)"),
                new Case("missing checksum file", As.PROGRAM, Limits.DEFAULT, file -> write(file, good),
                        "{file}: no checksum file {file}.sha256 beside it (sha256sum's format: the bundle's sha256, two spaces, its file name;"
                                + " e.g. `sha256sum bundle.tar.gz > bundle.tar.gz.sha256`, or the checksum list its project publishes)"),
                checksumFile("checksum file in another format", "SHA256 (bundle.tar.gz) = " + FileOp.sha256(good) + "\n",
                        "{file}.sha256:1: not a sha256sum line (expected 64 hex digits, two spaces, a file name)"),
                checksumFile("checksum file for other files", "0".repeat(64) + "  traefik_v3.1.0_darwin_arm64.tar.gz\n",
                        "{file}.sha256: no sha256 for bundle.tar.gz (it lists traefik_v3.1.0_darwin_arm64.tar.gz)"),
                checksumFile("two checksums for the bundle", FileOp.sha256(good) + "  bundle.tar.gz\n" + "1".repeat(64) + "  bundle.tar.gz\n",
                        "{file}.sha256:2: a second, different sha256 for bundle.tar.gz"),
                new Case("release entry altered", As.RELEASE, Limits.DEFAULT, file -> new TarBuilder().manifest("oth-app.jar", jarSum)
                        .file("oth-app.jar", "other jar").writeTo(file), "{file}: oth-app.jar has sha256 "
                        + FileOp.sha256("other jar".getBytes(StandardCharsets.UTF_8)) + ", the manifest says " + jarSum + " (a damaged or altered bundle)"));
    }

    private static Case checksumFile(String name, String sums, String expected) {
        return new Case(name, As.PROGRAM, Limits.DEFAULT, file -> overwrite(BundleContents.checksumFile(traefik().writeTo(file)), sums), expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesNamingTheEntryAndWhy(Case c) {
        Path file = dir.resolve("bundle.tar.gz");
        c.make().accept(file);
        BundleException e = assertThrows(BundleException.class, () -> read(c, file));
        assertEquals(c.expected().replace("{file}", file.toString()), e.getMessage());
    }

    /** The bomb: an 11 MB .tar.gz whose manifest says 2.5 GB. Refused on the header, long before it could fill memory. */
    @Test
    void aManifestBombIsRefusedAtOnce() throws IOException {
        Path file = new TarBuilder().zeros(ReleaseBundle.MANIFEST, 2_500_000_000L).file("oth-app.jar", "jar").writeTo(dir.resolve("bomb.tar.gz"));
        assertTrue(Files.size(file) < 20 << 20, "a small file: " + Files.size(file));
        BundleException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(BundleException.class, () -> ReleaseBundle.read(file)));
        assertEquals(file + ": entry \"manifest.yml\": 2500000000 bytes, more than a manifest may have (65536)", e.getMessage());
    }

    @Test
    void acceptsABundleAsUpstreamPublishesIt() throws Exception {
        Path file = new TarBuilder().dir("./").file("./traefik", EXE.getBytes(StandardCharsets.UTF_8), 0755).dir("./licenses")
                .file("./licenses/LICENSE.md", "MIT").writeTo(dir.resolve("traefik_v3.1.0_linux_amd64.tar.gz"));
        String sum = FileOp.sha256(Files.readAllBytes(file));
        overwrite(BundleContents.checksumFile(file), "0".repeat(64) + "  traefik_v3.1.0_darwin_arm64.tar.gz\n"
                + sum.toUpperCase() + " *traefik_v3.1.0_linux_amd64.tar.gz\n");

        ProgramBundle bundle = ProgramBundle.read(file, "traefik");

        assertEquals(sum, bundle.sha256());
        assertEquals(java.util.Set.of("traefik", "licenses/LICENSE.md"), bundle.contents().files().keySet());
    }

    @Test
    void acceptsARelease() throws Exception {
        String jarSum = FileOp.sha256("jar".getBytes(StandardCharsets.UTF_8));
        Path file = new TarBuilder().manifest("oth-app.jar", jarSum).file("oth-app.jar", "jar").writeTo(dir.resolve("oth-app-1.0.0.tar.gz"));

        ReleaseBundle release = ReleaseBundle.read(file);

        assertEquals("1.0.0", release.version());
        assertEquals(FileOp.sha256(Files.readAllBytes(file)), release.sha256());
        assertEquals(2, release.contents().files().size());
    }

    /** The JVM's options come from the release (its vendor knows its heap and compilers), each one word the init script and unit take as is. */
    @Test
    void aReleaseNamesItsJavaOptionsAsSingleWords() throws Exception {
        String jarSum = FileOp.sha256("jar".getBytes(StandardCharsets.UTF_8));
        String manifest = "name: oth-app\nversion: 1.0.0\nentry: oth-app.jar\nsha256: " + jarSum + "\nport: 8080\nhealth: /healthz\n";
        java.util.function.Function<String, Path> release = extra -> new TarBuilder().file(ReleaseBundle.MANIFEST, manifest + extra)
                .file("oth-app.jar", "jar").writeTo(dir.resolve("oth-app-1.0.0.tar.gz"));

        assertEquals(ReleaseBundle.DEFAULT_JAVA_OPTIONS, ReleaseBundle.read(release.apply("")).javaOptions(), "none named: oth's default");
        assertEquals(java.util.List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m", "-Dfile.encoding=UTF-8"),
                ReleaseBundle.read(release.apply("java_options: [\"-XX:+UseSerialGC\", -XX:TieredStopAtLevel=1, -Xmx512m, -Dfile.encoding=UTF-8]\n"))
                        .javaOptions());
        for (String bad : new String[] {"\"-Xmx1g; rm -rf /\"", "\"-Dx=$(id)\"", "\"-Xmx1g -Xms1g\"", "\"-Dunit=%h\"", "Xmx1g", "\"-Dx=*\"",
                "\"-XX:OnError=`id`\""}) {
            BundleException e = assertThrows(BundleException.class, () -> ReleaseBundle.read(release.apply("java_options: [" + bad + "]\n")), bad);
            assertTrue(e.getMessage().startsWith(dir.resolve("oth-app-1.0.0.tar.gz") + "!manifest.yml: java_options: "), e.getMessage());
        }
        assertThrows(BundleException.class, () -> ReleaseBundle.read(release.apply("java_options: -Xmx1g\n")), "a list, not a word");
        assertThrows(BundleException.class, () -> ReleaseBundle.read(release.apply("java_options: [" + "-Xmx1g, ".repeat(33) + "]\n")),
                "at most 32");
        assertThrows(BundleException.class, () -> ReleaseBundle.read(release.apply("java_options: [{a: b}]\n")), "words only");
    }

    private static void read(Case c, Path file) throws BundleException {
        if (c.as() == As.RELEASE) {
            ReleaseBundle.read(file, c.limits());
        } else {
            ProgramBundle.read(file, "traefik", c.limits());
        }
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path overwrite(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] bytes) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(bytes);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ungzip(byte[] bytes) {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
