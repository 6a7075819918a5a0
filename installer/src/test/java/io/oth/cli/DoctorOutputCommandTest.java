package io.oth.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth doctor}'s table as it reaches the screen, without a lab: the site's bastion is a
 * loopback port nobody listens on, so every check behind it is skipped.
 */
class DoctorOutputCommandTest {
    private static final String ESCAPE = "\u001b[";

    @TempDir
    Path dir;

    private String site;

    @BeforeEach
    void siteWithAClosedBastion() throws IOException {
        site = ClosedBastionSite.write(dir).toString();
    }

    private Run doctor(Stdout stdout, String... more) {
        String[] args = new String[4 + more.length];
        System.arraycopy(new String[] {"doctor", "--site", site, "--only", }, 0, args, 0, 4);
        System.arraycopy(more, 0, args, 4, more.length);
        return Run.oth(stdout, args);
    }

    private Run doctor(String... more) {
        return doctor(Run.UTF8_PIPE, more);
    }

    @Test
    void theBastionFirstThenWhatItKeptFromRunningOneLinePerNodeThenTheAreas() {
        Run run = doctor("reach,posture");
        assertEquals(ExitCode.FAILED.code(), run.code(), run::toString);
        String[] lines = run.out().split("\n");
        assertTrue(lines[0].matches("✗ reach\\.bastion\\s+operator\\s+bastion localhost\\s+bastion localhost: bastion refused the connection: .*"), run::toString);
        assertTrue(lines[1].startsWith("    hint: "), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("- 3 checks\\s+bastion\\s+lb, app1, storage\\s+not tried: reach\\.bastion failed \\(bastion localhost\\)")),
                run::toString);
        for (String node : new String[] {"lb", "app1", "storage"}) {
            assertTrue(run.out().lines().anyMatch(l -> l.matches("- \\d+ checks\\s+" + node + "\\s+-\\s+not tried: reach\\.bastion failed \\(bastion localhost\\)")),
                    () -> node + "'s checks, skipped with the reason\n" + run);
        }
        // posture.credentials is seen from this machine: ok where this user's state directory holds the site's secrets, with their times.
        assertTrue(run.out().matches("(?s).*\n✗ reach    1 failed, 6 skipped\n[-✓] posture  .*"), run::toString);
        assertTrue(run.out().matches("(?s).*\ndoctor: [0-9]+ ok, 0 warnings, 1 failures, 0 waived, [1-9][0-9] skipped in [0-9.]+ s; --all lists every check\n"), run::toString);
    }

    @Test
    void allListsEachSkippedCheckUnderItsNode() {
        Run run = doctor("reach,posture", "--all");
        assertTrue(run.out().contains("from app1:\n"), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("  - posture\\.release\\s+-\\s+not tried: reach\\.bastion failed \\(bastion localhost\\)")), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("  - reach\\.node\\s+storage\\s+not tried: reach\\.bastion failed \\(bastion localhost\\)")), run::toString);
        assertFalse(run.out().contains("--all lists"), run::toString);
    }

    @Test
    void withoutUtf8TheVerdictsAreWordsNeverQuestionMarks() {
        for (Stdout ascii : new Stdout[] {Stdout.pipe(StandardCharsets.US_ASCII, Map.of("LANG", "en_US.UTF-8")),
                Stdout.pipe(StandardCharsets.UTF_8, Map.of("LANG", "C")), Stdout.pipe(StandardCharsets.UTF_8, Map.of())}) {
            Run run = doctor(ascii, "reach");
            assertTrue(run.out().startsWith("FAIL reach.bastion  "), run::toString);
            assertTrue(run.out().contains("\nskip 3 checks  "), run::toString);
            assertTrue(run.out().contains("\nFAIL reach  1 failed, 6 skipped\n"), run::toString);
            assertTrue(run.out().chars().allMatch(c -> c < 128), run::toString);
        }
    }

    @Test
    void colourOnlyOnATerminalOrWhenAskedFor() {
        Stdout terminal = new Stdout(true, StandardCharsets.UTF_8, Map.of("LANG", "C.UTF-8", "TERM", "xterm")::get);
        Stdout noColor = new Stdout(true, StandardCharsets.UTF_8, Map.of("LANG", "C.UTF-8", "TERM", "xterm", "NO_COLOR", "1")::get);
        assertTrue(doctor(terminal, "reach").out().startsWith(ESCAPE + "1;31m✗" + ESCAPE + "0m reach.bastion"), () -> doctor(terminal, "reach").toString());
        assertFalse(doctor(noColor, "reach").out().contains(ESCAPE), "NO_COLOR");
        assertFalse(doctor(terminal, "reach", "--color=never").out().contains(ESCAPE), "--color=never");
        assertFalse(doctor("reach").out().contains(ESCAPE), "not a terminal");
        assertFalse(doctor("reach", "--color=always", "--json").out().contains(ESCAPE), "JSON is never coloured");
        Run always = doctor("reach", "--color=always");
        assertTrue(always.out().contains(ESCAPE + "1;31m✗" + ESCAPE + "0m reach  1 failed"), always::toString);
        assertTrue(doctor(noColor, "reach", "--color", "always").out().contains(ESCAPE), "a flag outranks NO_COLOR");
    }

    @Test
    void aWrongColourIsAUsageError() {
        Run run = doctor("reach", "--color=sometimes");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("auto, always, never"), run::toString);
    }
}
