package io.oth.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a command throws, Errors included, the user sees one line and exit 70; the stack trace is in a 0600 file that line names. */
class CrashReportTest {
    @TempDir
    Path state;

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        static String kind;

        @Override
        public Integer call() throws Exception {
            switch (kind) {
                case "stack" -> overflow(0);
                case "memory" -> throw new OutOfMemoryError("Java heap space");
                case "exception" -> throw new IllegalStateException("a bug\nover two lines");
                default -> throw new java.io.IOException("checked");
            }
            return 0;
        }

        private static int overflow(int depth) {
            return overflow(depth + 1) + 1;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stack", "memory", "exception", "checked"})
    void anythingThrownIsOneLineAndExit70WithTheDetailsInAPrivateFile(String kind) throws IOException {
        Boom.kind = kind;
        CommandLine cli = OthCommand.commandLine(io.oth.cli.Prompter.NOBODY, () -> state, io.oth.runlog.RunLog.none()).addSubcommand("boom", new Boom());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("boom");

        assertEquals(ExitCode.SOFTWARE.code(), code, err::toString);
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err::toString);
        assertTrue(lines.get(0).startsWith("oth: internal error: "), err::toString);
        List<Path> logs;
        try (Stream<Path> files = Files.list(state)) {
            logs = files.toList();
        }
        assertEquals(1, logs.size(), logs::toString);
        Path log = logs.get(0);
        assertTrue(log.getFileName().toString().matches("crash-\\d{8}T\\d{6}\\.\\d{3}Z-\\d+\\.log"), log::toString);
        assertTrue(lines.get(0).endsWith("(details in " + log + ")"), err::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertTrue(Files.readString(log).contains("at io.oth.cli.CrashReportTest$Boom"), "the stack trace is in the file");
        assertEquals("", out.toString());
    }
}
