package io.oth.cli;

import io.oth.runlog.RunLog;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that reaches a site leaves one log in the site's state directory, with what it printed;
 * an internal error leaves one line naming that log, and the trace in it. The site's bastion is a
 * loopback port nobody listens on, so a run ends at once without a lab.
 */
class RunLogCommandTest {
    @TempDir
    Path dir;

    private Path state;
    private Path site;

    @BeforeEach
    void siteWithAClosedBastion() throws IOException {
        state = dir.resolve("state");
        site = ClosedBastionSite.write(dir);
    }

    @Test
    void aRunLeavesOnePrivateLogWithWhatItPrinted() throws IOException {
        Run run = oth("nodes", "--site", site.toString());

        assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
        Path log = onlyLog();
        assertTrue(log.getFileName().toString().matches("\\d{8}T\\d{6}Z-nodes\\.log"), log::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));
        String text = Files.readString(log);
        assertTrue(text.startsWith("# oth " + VersionProvider.version() + ": oth nodes --site " + site + " (site lab), started "), text);
        for (String printed : (run.out() + run.err()).lines().filter(l -> !l.isBlank()).toList()) {
            assertTrue(text.contains(printed + "\n"), () -> "logged: " + printed + "\n" + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.matches("\\S+ err   oth: .*")), text);
    }

    @Test
    void aRunRefusedOnItsInputWritesNoLog() {
        Run run = oth("nodes", "--site", dir.resolve("missing.yml").toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertFalse(Files.exists(state.resolve("lab")), "no state directory for a site that did not load");
    }

    @Test
    void verboseIsAnOptionOfEveryCommandThatReachesNodes() {
        for (String[] command : List.of(new String[] {"nodes"}, new String[] {"install"}, new String[] {"doctor"}, new String[] {"upgrade"},
                new String[] {"certs", "status"}, new String[] {"backup", "list"}, new String[] {"support", "status"},
                new String[] {"hosts", "trust"})) {
            CommandLine cli = OthCommand.commandLine(Prompter.NOBODY);
            for (String name : command) {
                cli = cli.getSubcommands().get(name);
            }
            assertTrue(cli.getCommandSpec().findOption("-v") != null && cli.getCommandSpec().findOption("--verbose") != null,
                    () -> String.join(" ", command) + " has -v and --verbose");
        }
    }

    /** Stands for a bug in a command after its log is open. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Mixin
        RunLogOptions runLog;

        private final Site site;

        Boom(Site site) {
            this.site = site;
        }

        @Override
        public Integer call() {
            runLog.open(site, new PrintWriter(new StringWriter()));
            throw new IllegalStateException("a bug");
        }
    }

    @Test
    void anInternalErrorIsOneLineNamingTheLogWhichHoldsTheTrace() throws Exception {
        Site loaded = SiteLoader.load(site);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OthCommand.execute(new PrintWriter(out), new PrintWriter(err), () -> state,
                (RunLog log) -> OthCommand.commandLine(Prompter.NOBODY, () -> state, log).addSubcommand("boom", new Boom(loaded)), "boom");

        assertEquals(ExitCode.SOFTWARE.code(), code, err::toString);
        Path log = onlyLog();
        List<String> lines = err.toString().lines().toList();
        assertEquals(1, lines.size(), err::toString);
        assertTrue(lines.get(0).matches("oth: internal error: java.lang.IllegalStateException: a bug \\(details in .*crash-.*\\.log; run log "
                + java.util.regex.Pattern.quote(log.toString()) + "\\)"), lines::toString);
        String text = Files.readString(log);
        assertTrue(text.contains("trace java.lang.IllegalStateException: a bug"), text);
        assertTrue(text.contains("trace \tat io.oth.cli.RunLogCommandTest$Boom.call"), text);
        assertTrue(text.contains("err   " + lines.get(0)), "the line on screen is in the log too\n" + text);
    }

    private Run oth(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OthCommand.execute(new PrintWriter(out), new PrintWriter(err), Prompter.NOBODY, Run.UTF8_PIPE, () -> state, args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path onlyLog() throws IOException {
        try (Stream<Path> files = Files.list(state.resolve("lab").resolve("logs"))) {
            List<Path> logs = files.toList();
            assertEquals(1, logs.size(), logs::toString);
            return logs.get(0);
        }
    }
}
