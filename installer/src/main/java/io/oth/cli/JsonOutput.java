package io.oth.cli;

import io.oth.report.JsonEnvelope;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --json} for a command that reports: stdout then carries exactly one document, the
 * {@link JsonEnvelope} with the command's result as data, and every line meant for a person
 * (progress, problems and hints) goes to stderr.
 */
final class JsonOutput {
    /** How an option given interactively (a secret typed in) appears among the options. */
    static final String MASKED = "***";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--json", description = "Print one JSON document on stdout and nothing else (docs/json.md); progress and problems go to stderr.")
    boolean on;

    /** The version of this command's data, the {@code /N} of its schema. */
    private int version = 1;

    private Object data;

    /** What the command does while reporting. */
    interface Body {
        int run() throws IOException;
    }

    JsonOutput version(int version) {
        this.version = version;
        return this;
    }

    /** Where the lines for a person go: stdout, or stderr while stdout carries the document. */
    PrintWriter human() {
        return on ? command.commandLine().getErr() : command.commandLine().getOut();
    }

    /** The command's result: kept for the document with {@code --json}, else shown to a person by {@code human}. */
    void result(Object data, Runnable human) {
        if (on) {
            this.data = data;
        } else {
            human.run();
        }
    }

    /** Runs {@code body}; with {@code --json} prints the document afterwards, whatever the exit code. */
    int report(Body body) throws IOException {
        Instant started = Instant.now();
        int code = body.run();
        if (on) {
            String name = command.qualifiedName(" ");
            PrintWriter out = command.commandLine().getOut();
            out.println(JsonEnvelope.render(name.substring(name.indexOf(' ') + 1), version, VersionProvider.version(), options(),
                    started, Instant.now(), code, data));
            out.flush();
        }
        return code;
    }

    /** The options given on the command line, by their long name, as typed values; an interactive one masked. */
    private Map<String, Object> options() {
        Map<String, Object> given = new LinkedHashMap<>();
        for (OptionSpec option : command.commandLine().getParseResult().matchedOptions()) {
            given.put(option.longestName().replaceFirst("^-+", ""), option.interactive() ? MASKED : plain(option.getValue()));
        }
        return given;
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Number || value instanceof String) {
            return value;
        }
        if (value instanceof Collection<?> values) {
            return values.stream().map(JsonOutput::plain).toList();
        }
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT);
        }
        return value.toString();
    }
}
