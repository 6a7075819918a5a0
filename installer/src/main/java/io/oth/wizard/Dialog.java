package io.oth.wizard;

import io.oth.secret.Secret;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The setup's only contact with the person: one JLine line reader on one terminal. Each question
 * brings its own completer; secrets are read masked and kept out of the history; Ctrl-C and the
 * end of input end the setup. A dumb terminal cannot hide what is typed: it is never asked for a secret.
 */
public final class Dialog {
    private final Terminal terminal;
    private final LineReader reader;
    private final AtomicReference<Completer> completer = new AtomicReference<>(NullCompleter.INSTANCE);

    public Dialog(Terminal terminal) {
        this.terminal = terminal;
        if (terminal.getWidth() <= 0) {
            // A terminal that reports no size (some ptys, serial consoles): JLine would draw no prompt at all.
            terminal.setSize(new Size(80, 24));
        }
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("oth setup")
                .completer((reader, line, candidates) -> completer.get().complete(reader, line, candidates))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
    }

    /** True when what is typed can be hidden: not a dumb terminal. */
    public boolean canMask() {
        return !terminal.getType().startsWith(Terminal.TYPE_DUMB);
    }

    /** One line; {@code current} is shown in brackets and is the answer to an empty line. */
    public String ask(String prompt, Optional<String> current, Completer completion) throws Aborted {
        completer.set(completion);
        try {
            String line = reader.readLine(prompt + current.map(c -> " [" + c + "]").orElse("") + ": ");
            return line.trim();
        } catch (UserInterruptException e) {
            throw Aborted.byInterrupt();
        } catch (EndOfFileException e) {
            throw new Aborted("end of input");
        } finally {
            completer.set(NullCompleter.INSTANCE);
        }
    }

    /** A secret typed without echo; JLine keeps a masked line out of the history. */
    public Secret askSecret(String prompt) throws Aborted {
        if (!canMask()) {
            throw new IllegalStateException("a secret asked on a terminal that cannot hide it");
        }
        try {
            String line = reader.readLine(prompt + ": ", '*');
            return Secret.of(line);
        } catch (UserInterruptException e) {
            throw Aborted.byInterrupt();
        } catch (EndOfFileException e) {
            throw new Aborted("end of input");
        }
    }

    /** A yes/no question; an empty answer is {@code yes}'s default. */
    public boolean confirm(String question, boolean yes) throws Aborted {
        while (true) {
            String answer = ask(question + (yes ? " [Y/n]" : " [y/N]"), Optional.empty(), (r, l, c) -> {
                c.add(new Candidate("yes"));
                c.add(new Candidate("no"));
            }).toLowerCase(java.util.Locale.ROOT);
            if (answer.isEmpty()) {
                return yes;
            }
            if (answer.equals("y") || answer.equals("yes")) {
                return true;
            }
            if (answer.equals("n") || answer.equals("no")) {
                return false;
            }
            say("  please answer y or n");
        }
    }

    /** The lines typed so far, for tests that make sure no secret is among them. */
    Iterable<String> history() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        reader.getHistory().forEach(e -> lines.add(e.line()));
        return lines;
    }

    /**
     * {@code text} as lines no wider than the terminal, broken between words (a word longer than a
     * line stays whole), each line starting with {@code indent}.
     */
    public void sayWrapped(String text, String indent) {
        say(wrap(text, terminal.getWidth(), indent));
    }

    static String wrap(String text, int width, String indent) {
        int room = Math.max(20, width - 1) - indent.length();
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                out.append(indent).append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        return out.append(indent).append(line).toString();
    }

    public void say(String text) {
        PrintWriter out = terminal.writer();
        out.println(text);
        out.flush();
    }
}
