package io.oth.progress;

import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp.Capability;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Status lines pinned at the bottom of a terminal, the lines a run prints scrolling above them.
 *
 * <p>oth draws them itself on the terminal's capabilities ({@code cursor_up}, {@code clr_eol},
 * {@code clr_eos}) rather than with JLine's {@code Status}: that one reserves the bottom rows with a
 * scroll region, which a run killed with {@code kill -9} (a case oth resumes from) would leave set on
 * the person's terminal; here a killed run leaves at most a stale line. And oth's lines reach the
 * screen through the run log's writers, beneath which {@link Screen} hands them over whole.
 *
 * <p>The block is redrawn in place: to its first line ({@code \r}, then up), each line written over
 * and cleared to its end, the rest of the screen cleared. Lines are cut to the terminal's width less
 * one column, so that none wraps and the way up stays as many lines as were drawn. A line printed
 * above goes where the block was, and the block is drawn again below it. With no block on screen
 * the cursor is at the start of an empty line.
 */
public final class TerminalStatus implements Display {
    /** How often the lines are drawn again while nothing else changes them: the times shown move on every second. */
    static final Duration TICK = Duration.ofMillis(500);
    /** How wide lines are cut when the terminal does not say its width. */
    private static final int UNKNOWN_WIDTH = 79;
    private static final int UNKNOWN_HEIGHT = 24;

    private final Terminal terminal;
    private final Screen screen;
    private final StatusBoard board;
    private final boolean colour;
    private final PrintWriter writer;
    private final AutoCloseable ticking;
    private int drawn;
    private boolean closed;
    /** A person is being asked something: lines still go out, status lines wait. */
    private boolean paused;

    private TerminalStatus(Terminal terminal, Screen screen, StatusBoard board, boolean colour, Ticker ticker) {
        this.terminal = terminal;
        this.screen = screen;
        this.board = board;
        this.colour = colour;
        this.writer = terminal.writer();
        board.onChange(this::refresh);
        screen.show(this);
        refresh();
        this.ticking = ticker.every(TICK, this::refresh);
    }

    /**
     * Status lines of {@code board} on {@code terminal}, {@code screen}'s lines above them; empty when
     * the terminal cannot move its cursor up or clear (a dumb one), and then nothing is drawn.
     */
    public static Optional<TerminalStatus> show(Terminal terminal, Screen screen, StatusBoard board, boolean colour, Ticker ticker) {
        for (Capability needed : List.of(Capability.cursor_up, Capability.clr_eol, Capability.clr_eos)) {
            if (terminal.getStringCapability(needed) == null) {
                return Optional.empty();
            }
        }
        return Optional.of(new TerminalStatus(terminal, screen, board, colour, ticker));
    }

    @Override
    public Progress progress() {
        return board;
    }

    /** Draws the lines again, with the times as they are now. */
    public synchronized void refresh() {
        if (closed || paused) {
            return;
        }
        toTop();
        draw();
    }

    /** Prints {@code line} (on stdout, or stderr: {@code target}) where the status lines were, and draws them again below it. */
    synchronized void above(String line, Writer target, boolean stderr) {
        try {
            if (closed || paused) {
                target.write(line + "\n");
                target.flush();
                return;
            }
            erase();
            if (stderr) {
                screen.rawOut().flush();
            }
            target.write(line + "\n");
            target.flush();
            draw();
        } catch (IOException ignored) {
            // the screen is gone; the run log has the line
        }
    }

    @Override
    public <T> T asking(Supplier<T> question) {
        synchronized (this) {
            erase();
            paused = true;
        }
        try {
            return question.get();
        } finally {
            synchronized (this) {
                paused = false;
            }
            refresh();
        }
    }

    /** Takes the status lines off the screen; the lines printed stay. */
    @Override
    public void close() {
        try {
            ticking.close();
        } catch (Exception ignored) {
            // a timer that will not stop is a daemon thread that draws nothing once closed
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            erase();
            closed = true;
        }
        screen.plain();
        try {
            terminal.close();
        } catch (IOException ignored) {
            // the terminal is the process's; it goes with it
        }
    }

    /** The block off the screen, the cursor where its first line was. */
    private void erase() {
        toTop();
        if (drawn > 0) {
            terminal.puts(Capability.clr_eos);
        }
        drawn = 0;
        writer.flush();
    }

    /** To the start of the block's first line. */
    private void toTop() {
        if (drawn == 0) {
            return;
        }
        writer.write('\r');
        for (int i = 1; i < drawn; i++) {
            terminal.puts(Capability.cursor_up);
        }
    }

    /** {@code line} cut to {@code columns}, a cut shown by an ellipsis rather than by half a word. */
    private AttributedString fitted(AttributedString line, int columns) {
        if (line.columnLength() <= columns) {
            return line;
        }
        String more = java.nio.charset.StandardCharsets.UTF_8.equals(terminal.encoding()) ? "\u2026" : "~";
        return AttributedString.join(AttributedString.EMPTY, line.columnSubSequence(0, Math.max(0, columns - 1)), new AttributedString(more));
    }

    /** The block from the cursor down; the cursor stays at the end of its last line. */
    private void draw() {
        int width = terminal.getWidth() > 1 ? terminal.getWidth() : UNKNOWN_WIDTH;
        int height = terminal.getHeight() > 1 ? terminal.getHeight() : UNKNOWN_HEIGHT;
        List<AttributedString> lines = board.lines(height - 1, colour);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                writer.write('\n');
            }
            AttributedString line = lines.get(i);
            writer.write(fitted(line, width - 1).toAnsi(terminal));
            terminal.puts(Capability.clr_eol);
        }
        terminal.puts(Capability.clr_eos);
        drawn = lines.size();
        writer.flush();
    }
}
