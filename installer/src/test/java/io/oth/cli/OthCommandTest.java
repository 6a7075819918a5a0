package io.oth.cli;

import io.oth.runlog.RunLog;
import io.oth.site.StateDir;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OthCommandTest {

    @Test
    void eachCommandIsListedUnderItsOwnAnnotatedName() {
        OthCommand.COMMANDS.forEach((name, command) ->
                assertEquals(command.getAnnotation(CommandLine.Command.class).name(), name, command.getName()));
    }

    @Test
    void aRunBuildsOnlyTheCommandItNamesFirst() {
        assertEquals(Set.of("doctor"), built("doctor", "--site", "x.yml"));
        assertEquals(Set.of("certs"), built("certs", "status"));
    }

    @Test
    void helpAnOptionNothingOrAMisspeltNameBuildsThemAll() {
        for (List<String> args : List.<List<String>>of(List.of(), List.of("help", "doctor"), List.of("--version"), List.of("doctr"))) {
            assertEquals(OthCommand.COMMANDS.keySet(), built(args.toArray(String[]::new)), args.toString());
        }
    }

    @Test
    void aMisspeltCommandStillGetsTheNamesThatComeClose() {
        StringWriter err = new StringWriter();
        int code = OthCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), Prompter.NOBODY, Stdout.system(), StateDir::base,
                "doctr");
        assertEquals(ExitCode.USAGE.code(), code);
        assertTrue(err.toString().contains("Did you mean: oth doctor?"), err.toString());
    }

    private static Set<String> built(String... args) {
        return OthCommand.commandLine(Prompter.NOBODY, Stdout.system(), StateDir::base, RunLog.none(), OthCommand.needed(args))
                .getSubcommands().keySet();
    }
}
