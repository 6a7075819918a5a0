package io.oth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs oth in-process and keeps what it printed, as a person would see it. */
public record Run(int code, String out, String err) {
    /** Where in-process runs keep their run logs and crash reports: not the home directory of whoever runs the tests. */
    private static final Path STATE = scratchState();

    private static Path scratchState() {
        try {
            return Files.createTempDirectory("oth-test-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where in-process runs keep their run logs (under SITE/logs) and crash reports. */
    public static Path stateBase() {
        return STATE;
    }

    /** The run logs of in-process runs on site {@code site} (its name). */
    public static Path logs(String site) {
        return STATE.resolve(site).resolve("logs");
    }

    /** Standard output as a test sees it, whatever the machine's locale: not a terminal, UTF-8. */
    public static final Stdout UTF8_PIPE = Stdout.pipe(StandardCharsets.UTF_8, Map.of("LANG", "C.UTF-8"));

    public static Run oth(String... args) {
        return oth(Prompter.NOBODY, args);
    }

    /** oth with {@code args}, which must exit 0 (else the test fails, showing what it printed); the run, for its output. */
    public static Run ok(String... args) {
        Run run = oth(args);
        org.junit.jupiter.api.Assertions.assertEquals(0, run.code(), run::toString);
        return run;
    }

    public static Run oth(Prompter prompter, String... args) {
        return oth(prompter, UTF8_PIPE, args);
    }

    /** oth printing to a standard output like {@code stdout}. */
    public static Run oth(Stdout stdout, String... args) {
        return oth(Prompter.NOBODY, stdout, args);
    }

    private static Run oth(Prompter prompter, Stdout stdout, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OthCommand.execute(new PrintWriter(out), new PrintWriter(err), prompter, stdout, () -> STATE, args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A prompter that gives these answers in turn and records the questions. */
    public static final class Answers implements Prompter {
        private final Deque<String> answers;
        public final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

        public Answers(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public synchronized Optional<String> ask(String question) {
            asked.add(question);
            return Optional.ofNullable(answers.poll());
        }
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
