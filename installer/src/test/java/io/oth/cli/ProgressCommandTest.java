package io.oth.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oth.progress.Ticker;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Status lines of a command run in-process on a terminal built on streams (its bastion refuses at
 * once, so each run is short): drawn on a terminal, never in a pipe, with TERM=dumb, --no-progress
 * or --json; never in the run log; and with --json nothing but the document on stdout.
 */
class ProgressCommandTest {
    private static final Ticker NEVER = (period, tick) -> () -> { };

    @TempDir
    Path dir;

    private Path site;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    @BeforeEach
    void siteWithAClosedBastion() throws IOException {
        site = ClosedBastionSite.write(dir);
    }

    private Stdout terminal(String term) {
        return terminal(Map.of("LANG", "C.UTF-8", "TERM", term, "NO_COLOR", "1"));
    }

    private Stdout terminal(Map<String, String> environment) {
        String term = environment.get("TERM");
        return new Stdout(true, StandardCharsets.UTF_8, environment::get, () -> {
            try {
                ExternalTerminal t = new ExternalTerminal("test", term, new ByteArrayInputStream(new byte[0]), screen, StandardCharsets.UTF_8);
                t.setSize(new Size(120, 30));
                return Optional.of(t);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Run oth(Stdout stdout, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OthCommand.execute(new PrintWriter(out), new PrintWriter(err), Prompter.NOBODY, stdout, NEVER, () -> dir.resolve("state"), args);
        return new Run(code, out.toString(), err.toString());
    }

    private String drawn() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    private String log() throws IOException {
        try (Stream<Path> logs = Files.list(dir.resolve("state/lab/logs"))) {
            return Files.readString(logs.findFirst().orElseThrow());
        }
    }

    @Test
    void onATerminalTheStatusLineSaysWhatOthDoesAndTheLogKeepsOnlyPlainLines() throws IOException {
        Run run = oth(terminal("xterm-256color"), "support", "status", "--site", site.toString());

        assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
        assertTrue(drawn().contains("oth support status 0 s · connecting to 3 nodes through bastion localhost"), drawn());
        assertTrue(drawn().contains("\u001b[K"), "drawn with the terminal's own escapes");
        assertFalse(drawn().contains("\u001b[2m"), "NO_COLOR: no colour, only the cursor moves");
        assertTrue(drawn().endsWith("\u001b[J"), "and taken off the screen at the end");
        assertFalse(run.out().contains("\u001b") || run.err().contains("\u001b"), "the run's own lines are plain: " + run);
        assertTrue(run.err().contains("oth: "), run::toString);
        String log = log();
        assertFalse(log.contains("connecting to") || log.contains("\u001b"), "no status line in the run log\n" + log);
        assertTrue(log.contains(run.err().lines().findFirst().orElseThrow()), log);
    }

    @Test
    void withoutNoColorTheTimesAreDim() {
        oth(terminal(Map.of("LANG", "C.UTF-8", "TERM", "xterm-256color")), "support", "status", "--site", site.toString());

        assertTrue(drawn().contains("oth support status \u001b[2m0 s\u001b[0m"), drawn());
    }

    @Test
    void noStatusLinesWithNoProgressInAPipeOrOnADumbTerminal() {
        Run off = oth(terminal("xterm-256color"), "support", "status", "--no-progress", "--site", site.toString());
        Run dumb = oth(terminal("dumb"), "support", "status", "--site", site.toString());
        Run pipe = oth(Stdout.pipe(StandardCharsets.UTF_8, Map.of("TERM", "xterm-256color")), "support", "status", "--site", site.toString());

        assertEquals("", drawn());
        assertEquals(off.err(), pipe.err(), "the same plain lines as in a pipe");
        assertEquals(dumb.err(), pipe.err());
        assertEquals(ExitCode.UNREACHABLE.code(), off.code(), off::toString);
    }

    @Test
    void withJsonStdoutHoldsOnlyTheDocumentAndNothingIsDrawn() throws IOException {
        Run run = oth(terminal("xterm-256color"), "support", "status", "--json", "--site", site.toString());

        assertEquals("", drawn());
        ObjectMapper json = new ObjectMapper();
        try (JsonParser parser = json.getFactory().createParser(run.out())) {
            JsonNode document = json.readTree(parser);
            assertEquals("support status", document.get("command").asText(), run::toString);
            assertNull(parser.nextToken(), "nothing after the document: " + run.out());
        }
        assertTrue(run.err().contains("oth: "), "what a person reads goes to stderr: " + run);
    }

    @Test
    void everyCommandThatReachesNodesHasNoProgress() {
        for (String[] command : new String[][] {{"install"}, {"upgrade"}, {"support", "open"}, {"support", "close"}, {"support", "bundle"},
                {"certs", "rotate"}, {"backup", "now"}, {"backup", "restore"}, {"nodes"}}) {
            picocli.CommandLine cli = OthCommand.commandLine(Prompter.NOBODY);
            for (String name : command) {
                cli = cli.getSubcommands().get(name);
            }
            assertTrue(cli.getCommandSpec().findOption("--no-progress") != null, () -> String.join(" ", command) + " has --no-progress");
        }
    }
}
