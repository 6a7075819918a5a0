package io.oth.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Site and answers files that are not files, or far too large, made by the test (nothing this size
 * is committed): each is refused at once with exit 2 and one message naming the file, instead of a
 * hang (FIFO), an OutOfMemoryError (/dev/zero) or minutes of parsing (a 20 MB scalar).
 */
class HostileInputFilesTest {
    /** Generous: each run takes well under a second; a hang or a read of /dev/zero would not end. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            site validate  | fifo      | is a FIFO, not a regular file (expected a site file)
            site validate  | dev-zero  | is a character device, not a regular file (expected a site file)
            site validate  | oversized | is 1048577 bytes (expected a site file of at most 1 MiB)
            site validate  | scalar    | is 20971529 bytes (expected a site file of at most 1 MiB)
            nodes --site   | fifo      | is a FIFO, not a regular file (expected a site file)
            install --site | dev-zero  | is a character device, not a regular file (expected a site file)
            setup --answers | fifo     | is a FIFO, not a regular file (expected an answers file)
            setup --answers | dev-zero | is a character device, not a regular file (expected an answers file)
            setup --answers | scalar   | is 20971529 bytes (expected an answers file of at most 1 MiB)
            """)
    void isRefusedAtOnceNamingTheFile(String command, String kind, String reason) throws Exception {
        Path file = make(kind, dir.resolve("input.yml"));
        String[] args = (command + " " + file).split(" ");

        Run run = assertTimeoutPreemptively(GENEROUS, () -> Run.oth(args));

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().startsWith(file + ": " + reason + "\n"), run::toString);
        assertTrue(run.err().lines().count() <= 2, run::toString);
    }

    private static Path make(String kind, Path file) throws IOException, InterruptedException {
        switch (kind) {
            case "fifo" -> assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor());
            case "dev-zero" -> Files.createSymbolicLink(file, Path.of("/dev/zero"));
            case "oversized" -> Files.writeString(file, "fqdn: oth.example.test\n#" + "x".repeat((1 << 20) - 24) + "\n");
            case "scalar" -> Files.writeString(file, "fqdn: " + "a".repeat(20 << 20) + "\n\n\n");
            default -> throw new IllegalArgumentException(kind);
        }
        return file;
    }
}
