package io.oth.site;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every site file in test/resources/site/bad/NAME.yml is rejected with exactly the problems in
 * NAME.expect: one per line, as printed but without the leading {@code FILE:}, and with
 * {@code {dir}} for the directory the fixture is copied to; and {@code oth site validate} exits 2
 * printing each. Adding a case is adding those two files.
 */
class SiteLoaderBadFixturesTest {
    @TempDir
    Path dir;

    static Stream<String> fixtures() {
        return SiteFixtures.names("bad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsExactlyTheExpectedProblems(String name) throws IOException {
        Path site = SiteFixtures.stage("bad/" + name + ".yml", dir);

        SiteException thrown = assertThrows(SiteException.class, () -> SiteLoader.load(site));

        List<String> actual = thrown.problems().stream().map(problem -> {
            assertEquals(site, problem.file());
            return problem.toString().substring(site.toString().length()).replaceFirst("^: ?", "");
        }).toList();
        String report = "site/bad/" + name + ".yml reports:\n" + String.join("\n", actual).replace(dir.toString(), "{dir}");
        assertEquals(expected(name).orElseGet(() -> fail("no " + name + ".expect beside the fixture; " + report)), actual, report);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void siteValidateExitsTwoPrintingEachProblem(String name) throws IOException {
        Path site = SiteFixtures.stage("bad/" + name + ".yml", dir);

        Run run = Run.oth("site", "validate", site.toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        for (String problem : expected(name).orElseGet(() -> fail("no " + name + ".expect"))) {
            String line = site + (problem.matches("\\d+:\\d+: .*") ? ":" : ": ") + problem;
            assertTrue(run.err().lines().anyMatch(line::equals), () -> line + "\n" + run);
        }
    }

    private Optional<List<String>> expected(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/site/bad/" + name + ".expect")) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replace("{dir}", dir.toString())).toList());
        }
    }
}
