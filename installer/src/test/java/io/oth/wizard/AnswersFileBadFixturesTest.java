package io.oth.wizard;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every answers file in test/resources/answers/bad/NAME.yml makes {@code oth setup --answers} exit 2
 * and print each line of NAME.expect (without the leading {@code FILE:}), writes no site file, and
 * never repeats the fixtures' secret ("s3cr3t").
 */
class AnswersFileBadFixturesTest {
    @TempDir
    Path dir;

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(Path.of(AnswersFileBadFixturesTest.class.getResource("/answers/bad").toURI()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                    .map(n -> n.substring(0, n.length() - ".yml".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void setupExitsTwoPrintingEachProblemAndWritesNothing(String name) throws IOException {
        Path key = dir.resolve("id_ed25519");
        Files.writeString(key, "not a real key; only its presence and mode matter\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path answers = dir.resolve("answers.yml");
        try (InputStream in = getClass().getResourceAsStream("/answers/bad/" + name + ".yml")) {
            Files.copy(in, answers, StandardCopyOption.REPLACE_EXISTING);
        }

        Run run = Run.oth("setup", "--answers", answers.toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        for (String problem : expected(name, run)) {
            String line = answers + (problem.matches("\\d+:\\d+: .*") ? ":" : ": ") + problem;
            assertTrue(run.err().lines().anyMatch(line::equals), () -> line + "\n" + run);
        }
        assertFalse(run.toString().contains("s3cr3t"), run::toString);
        assertFalse(Files.exists(dir.resolve("from-answers.yml")));
    }

    private List<String> expected(String name, Run run) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/answers/bad/" + name + ".expect")) {
            if (in == null) {
                return fail("no answers/bad/" + name + ".expect; setup printed:\n" + run.err().replace(dir.toString(), "{dir}"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
