package io.oth.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void helpListsCommandsAndExitCodes() {
        Run run = Run.oth("--help");
        assertEquals(0, run.code());
        for (String text : new String[] {"nodes", "site", "hosts", "Exit codes:", "  3  a node or the bastion could not be reached",
                "  4  a host key is unknown or has changed"}) {
            assertTrue(run.out().contains(text), () -> text + "\n" + run);
        }
    }

    @Test
    void versionNamesOthsReleaseCommitAndBuildDateAndJava() {
        Run run = Run.oth("--version");
        assertEquals(0, run.code());
        assertTrue(run.out().matches("oth [0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)? \\(commit ([0-9a-f]{12}(-dirty)?|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\\)\n"
                + Pattern.quote("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")") + "\n"),
                () -> "oth's release, commit and build date as the build wrote them, then the Java that runs it\n" + run);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run run = Run.oth("nodes", "--frobnicate");
        assertEquals(ExitCode.USAGE.code(), run.code());
        assertTrue(run.err().contains("Unknown option: '--frobnicate'"), run::toString);
    }

    @Test
    void aMissingSiteFileIsAUsageErrorNamingIt() {
        Run run = Run.oth("nodes", "--site", "/nonexistent/site.yml");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("/nonexistent/site.yml"), run::toString);
    }

    @Test
    void completionScriptIsGenerated() {
        Run run = Run.oth("generate-completion");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("complete -F"), run::toString);
    }
}
