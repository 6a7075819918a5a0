package io.oth.cli;

import io.oth.report.TextStyle;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What oth knows about where its standard output goes, for how to draw on it: whether it is a
 * terminal, the charset it is written in, and the environment that says the rest (the locale's
 * LC_ALL, LC_CTYPE and LANG; NO_COLOR; TERM), and how to reach the terminal for status lines.
 *
 * @param statusTerminal the terminal stdout is, for status lines; empty when it cannot be opened
 */
public record Stdout(boolean terminal, Charset charset, UnaryOperator<String> environment, Supplier<Optional<Terminal>> statusTerminal) {

    /** Standard output that has no terminal to draw status lines on. */
    public Stdout(boolean terminal, Charset charset, UnaryOperator<String> environment) {
        this(terminal, charset, environment, Optional::empty);
    }

    /** When to colour: {@code --color=WHEN}. */
    public enum Color { auto, always, never }

    /**
     * This process's: a terminal when Java has a console; the charset {@code new PrintWriter(System.out)}
     * writes in, which is the locale's unless the JVM was told otherwise.
     */
    public static Stdout system() {
        return new Stdout(System.console() != null, Charset.defaultCharset(), System::getenv, Stdout::systemTerminal);
    }

    /**
     * The terminal of this process's stdout, as the wizard opens it; Ctrl-C still ends the JVM as
     * it would without it. Empty when stdout is no terminal JLine can drive (it would be a dumb one).
     */
    private static Optional<Terminal> systemTerminal() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOut).dumb(true)
                    .signalHandler(Terminal.SignalHandler.SIG_DFL).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return Optional.empty();
            }
            return Optional.of(t);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether status lines may be drawn here: a terminal that TERM says understands escapes. */
    public boolean statusLines() {
        return terminal && variable("TERM").filter(t -> !t.equals("dumb")).isPresent();
    }

    /** Not a terminal, in {@code charset}, with these environment variables only. */
    public static Stdout pipe(Charset charset, Map<String, String> environment) {
        return new Stdout(false, charset, environment::get);
    }

    /** The style of a report: marks where both the charset and the locale are UTF-8; colour as {@code color} and the environment say. */
    public TextStyle style(Color color) {
        return new TextStyle(unicode(), colour(color));
    }

    /** ✓ and ✗ reach the screen intact only when the JVM can encode them and the terminal decodes UTF-8, as the locale says. */
    private boolean unicode() {
        String locale = Stream.of("LC_ALL", "LC_CTYPE", "LANG").map(this::variable).flatMap(Optional::stream).findFirst().orElse("C");
        String codeset = locale.toUpperCase(Locale.ROOT).replace("-", "");
        return (codeset.endsWith(".UTF8") || codeset.contains(".UTF8@")) && charset.newEncoder().canEncode("✓✗…");
    }

    /** always and never are as asked (a flag outranks NO_COLOR); auto colours a terminal that is not dumb, unless NO_COLOR is set. */
    private boolean colour(Color color) {
        return switch (color) {
            case always -> true;
            case never -> false;
            case auto -> terminal && variable("NO_COLOR").isEmpty() && variable("TERM").filter(t -> !t.equals("dumb")).isPresent();
        };
    }

    /** A variable that is set and not empty (POSIX: an empty locale variable counts as unset). */
    private Optional<String> variable(String name) {
        return Optional.ofNullable(environment.apply(name)).filter(v -> !v.isEmpty());
    }
}
