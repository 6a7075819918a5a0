package io.oth.remote;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The script that puts several files in place in one round trip, as a node runs it (sh and
 * coreutils; here on this machine, as on a Debian node): every byte is checked before anything
 * lands, and then each file lands as its own upload would, in order.
 */
class UploadScriptTest {
    @TempDir
    Path root;
    private String owner;

    private record Result(int code, String out, String err) {
    }

    @BeforeEach
    void whoAmI() throws Exception {
        owner = run(List.of(), "echo \"$(id -un):$(id -gn)\"", new byte[0]).out().strip();
    }

    private Result run(List<Upload> files, byte[] stdin) throws Exception {
        return run(files, Upload.script(files, root.resolve("temp-dirs").toString()), stdin);
    }

    private static Result run(List<Upload> files, String script, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the script stopped reading: its exit says why
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The files' bytes one after another, as the script reads them (and as SshHost writes them). */
    private static byte[] stdin(List<Upload> files) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Upload f : files) {
            all.write(f.content());
        }
        return all.toByteArray();
    }

    private Upload file(String path, String content, String mode, String check) {
        return new Upload(content.getBytes(StandardCharsets.UTF_8), root.resolve(path).toString(), owner, mode, check);
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().contains(".oth-tmp.")).toList();
        }
    }

    @Test
    void everyFileLandsWithItsModeAndNoTemporaryFileIsLeft() throws Exception {
        byte[] binary = {0, 1, 2, (byte) 0xff, '\n', 0};
        List<Upload> files = List.of(file("etc/a.conf", "a\n", "0644", null),
                new Upload(binary, root.resolve("new/dir/b.bin").toString(), owner, "0600", null),
                file("etc/empty", "", "0640", "test ! -s \"$1\""),
                file("etc/c.conf", "c without newline", "0755", "grep -q '^a$' " + root.resolve("etc/a.conf")));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/a.conf"), "old a\n");

        Result r = run(files, stdin(files));

        assertEquals(0, r.code(), r.err());
        assertEquals("0\n1\n2\n3\n" + Upload.DONE + "\n", r.out());
        assertEquals("a\n", Files.readString(root.resolve("etc/a.conf")));
        assertArrayEquals(binary, Files.readAllBytes(root.resolve("new/dir/b.bin")));
        assertEquals("", Files.readString(root.resolve("etc/empty")));
        assertEquals("c without newline", Files.readString(root.resolve("etc/c.conf")), "its check read a.conf at its place");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/a.conf"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("new/dir/b.bin"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/c.conf"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("new/dir"))), "made with umask 022");
        assertEquals(List.of(), temporaryFiles());
        assertEquals(root.resolve("etc") + "\n" + root.resolve("new/dir") + "\n", Files.readString(root.resolve("temp-dirs")),
                "each directory recorded once, for the sweep after a killed run");
    }

    @Test
    void aTransferCutOrDamagedAnywhereReplacesNothing() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/a.conf"), "old a\n");
        List<Upload> files = List.of(file("etc/a.conf", "new a\n", "0644", null), file("etc/b.conf", "new b\n", "0644", null));
        byte[] damaged = stdin(files);
        damaged[damaged.length - 2] ^= 1;

        Result r = run(files, damaged);

        assertEquals(Upload.ARRIVED_DAMAGED, r.code(), r.err());
        assertEquals(Optional.of(1), Upload.stoppedAt(r.out(), 2), "the damaged file is named");
        assertTrue(r.err().contains("6 of 6 bytes arrived, sha256 "), r.err());
        assertEquals("old a\n", Files.readString(root.resolve("etc/a.conf")), "the good first file did not land either");
        assertFalse(Files.exists(root.resolve("etc/b.conf")));
        assertEquals(List.of(), temporaryFiles());

        byte[] cut = new byte[8];
        System.arraycopy(stdin(files), 0, cut, 0, 8);
        Result short_ = run(files, cut);
        assertEquals(Upload.ARRIVED_DAMAGED, short_.code(), short_.err());
        assertTrue(short_.err().contains("2 of 6 bytes arrived"), short_.err());
        assertEquals("old a\n", Files.readString(root.resolve("etc/a.conf")));
        assertEquals(List.of(), temporaryFiles());
    }

    @Test
    void aRefusedCheckStopsAtThatFileAndTheOnesBeforeItStay() throws Exception {
        List<Upload> files = List.of(file("etc/a.conf", "a\n", "0644", null),
                file("etc/b.conf", "bad\n", "0644", "grep -q good \"$1\" || { echo 'no good line in the file'; exit 1; }"),
                file("etc/c.conf", "c\n", "0644", null));

        Result r = run(files, stdin(files));

        assertEquals(Upload.CHECK_REJECTED, r.code(), r.err());
        assertEquals(Optional.of(1), Upload.stoppedAt(r.out(), 3));
        assertEquals("no good line in the file\n", r.err());
        assertEquals("a\n", Files.readString(root.resolve("etc/a.conf")), "landed before the refused one, as its own upload would have");
        assertFalse(Files.exists(root.resolve("etc/b.conf")));
        assertFalse(Files.exists(root.resolve("etc/c.conf")), "nothing after the refused file");
        assertEquals(List.of(), temporaryFiles());
    }

    @Test
    void aScriptThatStoppedElsewhereNamesNoFile() {
        assertEquals(Optional.empty(), Upload.stoppedAt("", 3));
        assertEquals(Optional.empty(), Upload.stoppedAt("0\n1\n" + Upload.DONE + "\n", 3));
        assertEquals(Optional.empty(), Upload.stoppedAt("7\n", 3), "not one of the files: a node's say-so is not trusted");
        assertEquals(Optional.of(2), Upload.stoppedAt("0\n1\n2\n", 3));
    }
}
