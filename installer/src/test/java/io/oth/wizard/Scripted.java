package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.site.Playbooks;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs the interactive setup on a JLine terminal built on streams, with the lines a person would type. */
final class Scripted {
    /** What the run printed, its result, or why it stopped; and the dialog, for its history. */
    record Outcome(String screen, Optional<Setup.Result> result, Optional<Aborted> aborted, Dialog dialog) {
        @Override
        public String toString() {
            return screen + aborted.map(a -> "\n[stopped: " + a.getMessage() + "]").orElse("");
        }
    }

    private final Path stateDir;
    private final Clock clock;
    private NameLookup resolver = name -> new NameLookup.Answer(List.of(), "the test's resolver", java.util.Optional.empty());
    private Connector connector = (site, trust, passphrase) -> List.of();
    private Map<String, String> environment = Map.of();
    private String type = "ansi";

    Scripted(Path stateDir, Clock clock) {
        this.stateDir = stateDir;
        this.clock = clock;
    }

    Scripted resolving(String name, String address) {
        resolver = n -> new NameLookup.Answer(n.equals(name) ? List.of(address) : List.of(), "the test's resolver", java.util.Optional.empty());
        return this;
    }

    Scripted connecting(Connector connector) {
        this.connector = connector;
        return this;
    }

    Scripted environment(Map<String, String> environment) {
        this.environment = environment;
        return this;
    }

    Scripted dumb() {
        this.type = Terminal.TYPE_DUMB;
        return this;
    }

    Setup setup() {
        return new Setup(new Setup.Context(new Questions(Playbooks.load(), clock), resolver, connector, stateDir::resolve, environment::get,
                stateDir.resolve("setup_drafts"), clock));
    }

    /** Types {@code input} (lines ending in \n; \u0003 is Ctrl-C, raised as SIGINT) into the wizard, relative paths against {@code dir}. */
    Outcome run(Path dir, String input) throws IOException {
        return run(dir, input, Optional.empty());
    }

    /** As {@link #run(Path, String)}, with the answers of {@code from} as the defaults (oth setup --site FILE). */
    Outcome run(Path dir, String input, Optional<io.oth.site.Site> from) throws IOException {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Typed typed = new Typed(input, screen);
        try (Terminal terminal = TerminalBuilder.builder().system(false).streams(typed, screen).type(type).build()) {
            terminal.setSize(new org.jline.terminal.Size(200, 50));
            org.jline.terminal.Attributes attributes = terminal.getAttributes();
            attributes.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ECHO, false);
            terminal.setAttributes(attributes);
            typed.start(terminal);
            Dialog dialog = new Dialog(terminal);
            try {
                Setup.Result result = setup().interactive(dialog, from.map(s -> prefilled(dir, s.file())).orElseGet(() -> new Draft(dir)), from);
                return new Outcome(settled(screen), Optional.of(result), Optional.empty(), dialog);
            } catch (Aborted e) {
                return new Outcome(settled(screen), Optional.empty(), Optional.of(e), dialog);
            } finally {
                typed.stop();
            }
        }
    }

    /**
     * What the person types: each line once the wizard shows a prompt (the screen has grown since the
     * last line and ends in ": "), as a person answers what is on the screen, and end of input at a
     * prompt when no line is left. Waiting for the prompt, not for a fixed time, keeps a slow machine
     * from typing ahead, which the line reader does not redraw. It starts when {@link #start} is
     * called, after echo is turned off: the line reader shows what it reads itself.
     */
    private static final class Typed extends java.io.InputStream {
        private static final long PROMPT_WAIT_MILLIS = 20_000;

        private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        private final java.util.Deque<byte[]> lines = new java.util.ArrayDeque<>();
        private final ByteArrayOutputStream screen;
        private boolean atLineStart = true;
        private int shownAtLastLine = -1;
        private volatile boolean over;
        private Terminal terminal;

        Typed(String text, ByteArrayOutputStream screen) {
            this.screen = screen;
            for (String line : text.split("(?<=\n)|(?=\u0003)|(?<=\u0003)")) {
                lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }

        /** Starts typing into {@code terminal}; Ctrl-C is raised on it as SIGINT, as a terminal's line discipline does. */
        void start(Terminal terminal) {
            this.terminal = terminal;
            started.countDown();
        }

        /** The wizard is over: whatever is left is never typed, and the terminal's reading thread is let go. */
        void stop() {
            over = true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
            byte[] line;
            try {
                started.await();
                do {
                    if (atLineStart && !awaitPrompt()) {
                        return -1;
                    }
                    line = lines.poll();
                    if (line == null) {
                        return -1;
                    }
                    if (line.length == 1 && line[0] == 3) {
                        terminal.raise(Terminal.Signal.INT);
                        line = null;
                    }
                } while (line == null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            int n = Math.min(length, line.length);
            System.arraycopy(line, 0, buffer, offset, n);
            atLineStart = n == line.length;
            if (!atLineStart) {
                lines.push(java.util.Arrays.copyOfRange(line, n, line.length));
            }
            return n;
        }

        /**
         * Until a new prompt is on the screen (true) or the wizard is over (false); after a long wait
         * the line is typed anyway, and the test shows what the screen had.
         */
        private boolean awaitPrompt() throws InterruptedException {
            long deadline = System.nanoTime() + PROMPT_WAIT_MILLIS * 1_000_000;
            while (!over && System.nanoTime() < deadline) {
                String shown = text(screen);
                if (shown.length() > shownAtLastLine && shown.endsWith(": ")) {
                    shownAtLastLine = shown.length();
                    return true;
                }
                Thread.sleep(2);
            }
            shownAtLastLine = text(screen).length();
            return !over;
        }
    }

    private static Draft prefilled(Path dir, Path siteFile) {
        Draft d = new Draft(dir);
        d.prefill(Questions.SITE_FILE, siteFile.toString(), siteFile);
        return d;
    }

    static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /**
     * The screen once what the wizard wrote last has reached it: the terminal copies its output
     * through a pty on a thread of its own, so what follows the last prompt may still be on its way.
     */
    private static String settled(ByteArrayOutputStream screen) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        int seen = -1;
        while (System.nanoTime() < deadline) {
            int now = screen.size();
            if (now == seen) {
                break;
            }
            seen = now;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return text(screen);
    }

    private static String text(ByteArrayOutputStream screen) {
        return screen.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
    }
}
