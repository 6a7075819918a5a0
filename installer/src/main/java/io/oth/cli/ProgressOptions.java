package io.oth.cli;

import io.oth.progress.Display;
import io.oth.progress.Screen;
import io.oth.progress.StatusBoard;
import io.oth.progress.TerminalStatus;
import io.oth.progress.Ticker;
import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * Status lines while a command works on a terminal: one per node at work, pinned at the bottom,
 * what the command prints scrolling above them. Plain lines only in a pipe or a file, with
 * {@code TERM=dumb}, with {@code --no-progress} and always with {@code --json}.
 */
final class ProgressOptions {
    @Option(names = "--no-progress", description = "No status lines at the bottom of the terminal: plain lines only, as in a pipe "
            + "(also with TERM=dumb and --json).")
    boolean off;

    private final Optional<Screen> screen;
    private final Stdout stdout;
    private final Ticker ticker;

    ProgressOptions(Optional<Screen> screen, Stdout stdout, Ticker ticker) {
        this.screen = screen;
        this.stdout = stdout;
        this.ticker = ticker;
    }

    /**
     * Shows what {@code command} ({@code oth install}) does from now on, on a terminal; its first line
     * says {@code doing} until the command says more.
     */
    Display show(String command, boolean json, String doing) {
        if (off || json || screen.isEmpty() || !stdout.statusLines()) {
            return Display.PLAIN;
        }
        Optional<TerminalStatus> shown = stdout.statusTerminal().get().flatMap(terminal -> {
            StatusBoard board = new StatusBoard(command, doing, System::nanoTime);
            Optional<TerminalStatus> status = TerminalStatus.show(terminal, screen.get(), board, stdout.style(Stdout.Color.auto).colour(), ticker);
            if (status.isEmpty()) {
                try {
                    terminal.close();
                } catch (java.io.IOException ignored) {
                    // a terminal oth did not draw on
                }
            }
            return status;
        });
        if (shown.isEmpty()) {
            return Display.PLAIN;
        }
        TerminalStatus status = shown.get();
        // Ctrl-C ends the JVM: take the status lines off the screen on the way out.
        Thread cleanUp = new Thread(status::close, "oth-status-off");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        return new Display() {
            @Override
            public io.oth.progress.Progress progress() {
                return status.progress();
            }

            @Override
            public <T> T asking(java.util.function.Supplier<T> question) {
                return status.asking(question);
            }

            @Override
            public void close() {
                status.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUp);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs, or has run, and finds it closed
                }
            }
        };
    }
}
