package io.oth.input;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Only a regular file under the limit is read; anything else is refused before it is opened, naming the file and what it is. */
class InputFilesTest {
    /** Generous: each case takes milliseconds; only a hang (a FIFO opened) or reading /dev/zero would take this long. */
    static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aRegularFileUnderTheLimitIsRead() throws IOException {
        Path file = Files.writeString(dir.resolve("site.yml"), "fqdn: oth.example.test\n");
        assertEquals("fqdn: oth.example.test\n", InputFiles.readText(file, InputFiles.YAML_LIMIT, "a site file"));
    }

    @Test
    void aFileOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws IOException {
        Path file = Files.write(dir.resolve("keys"), new byte[1024]);
        assertArrayEquals(new byte[1024], InputFiles.read(file, 1024, "a key file"));
        Files.write(file, new byte[1025]);
        assertRefused(file, 1024, "is 1025 bytes (expected a key file of at most 1 KiB)");
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = fifo(dir.resolve("site.yml"));
        assertTimeoutPreemptively(GENEROUS, () -> assertRefused(fifo, InputFiles.YAML_LIMIT, "is a FIFO, not a regular file (expected a site file)"));
    }

    @Test
    void aLinkToDevZeroIsRefusedWithoutReadingIt() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("site.yml"), Path.of("/dev/zero"));
        assertTimeoutPreemptively(GENEROUS, () -> assertRefused(link, InputFiles.YAML_LIMIT,
                "is a character device, not a regular file (expected a site file)"));
    }

    @Test
    void aDirectoryAMissingFileAndBadUtf8AreNamed() throws IOException {
        assertRefused(dir, InputFiles.YAML_LIMIT, "is a directory (expected a site file)");
        assertRefused(dir.resolve("nope.yml"), InputFiles.YAML_LIMIT, "does not exist (expected a site file)");
        Path latin1 = Files.write(dir.resolve("latin1.yml"), new byte[] {'a', (byte) 0xe9, '\n'});
        InputFiles.Refused refused = assertThrows(InputFiles.Refused.class, () -> InputFiles.readText(latin1, InputFiles.YAML_LIMIT, "a site file"));
        assertEquals(latin1 + " is not UTF-8 text (expected a site file)", refused.getMessage());
    }

    @Test
    void twentyMegabytesAreRefusedByTheirSizeAlone() throws Exception {
        Path big = dir.resolve("site.yml");
        Files.writeString(big, "fqdn: " + "a".repeat(20 << 20) + "\n");
        assertTimeoutPreemptively(GENEROUS, () -> assertRefused(big, InputFiles.YAML_LIMIT,
                "is " + Files.size(big) + " bytes (expected a site file of at most 1 MiB)"));
    }

    static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        return path;
    }

    private static void assertRefused(Path file, int limit, String reason) {
        InputFiles.Refused refused = assertThrows(InputFiles.Refused.class, () -> InputFiles.read(file, limit, reason.contains("key file") ? "a key file" : "a site file"));
        assertEquals(reason, refused.reason());
        assertEquals(file + " " + reason, refused.getMessage());
    }
}
