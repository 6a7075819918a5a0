package io.oth.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command offers the options it uses: the connection options only where it connects. */
class CommandOptionsTest {
    private static final List<String> CONNECTING = List.of("--concurrency", "--timeout", "--known-hosts");

    private static CommandSpec command(String... path) {
        CommandLine cli = OthCommand.commandLine(Prompter.NOBODY);
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        return cli.getCommandSpec();
    }

    @Test
    void whatNeverConnectsHasNoConnectionOptions() {
        for (String[] path : new String[][] {{"site", "validate"}, {"secrets", "set"}}) {
            CommandSpec spec = command(path);
            assertTrue(spec.findOption("--site") != null, spec.qualifiedName());
            for (String option : CONNECTING) {
                assertEquals(null, spec.findOption(option), spec.qualifiedName() + " does not connect, so no " + option);
            }
        }
        Run help = Run.oth("site", "validate", "--help");
        assertFalse(help.out().contains("--concurrency") || help.out().contains("--timeout") || help.out().contains("--known-hosts"), help::toString);
        assertTrue(help.out().contains("--site=FILE"), help::toString);
    }

    @Test
    void whatConnectsKeepsThemAsTheyWere() {
        for (String[] path : new String[][] {{"nodes"}, {"install"}, {"doctor"}, {"setup"}, {"hosts", "trust"}, {"support", "bundle"}, {"upgrade"}}) {
            CommandSpec spec = command(path);
            for (String option : CONNECTING) {
                assertTrue(spec.findOption(option) != null, spec.qualifiedName() + " connects: " + option);
            }
        }
        assertEquals("10", command("nodes").findOption("--timeout").defaultValue());
        assertEquals("30", command("nodes").findOption("--concurrency").defaultValue());
    }

    @Test
    void validateStillTakesTheFileBothWays() {
        Run missing = Run.oth("site", "validate", "--site", "/nonexistent/site.yml");
        assertEquals(ExitCode.USAGE.code(), missing.code(), missing::toString);
        assertTrue(missing.err().contains("/nonexistent/site.yml"), missing::toString);
    }
}
