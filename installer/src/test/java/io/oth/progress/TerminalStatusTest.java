package io.oth.progress;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Status lines on a terminal built on streams: drawn at once, drawn again on each tick with the time
 * moved on, the run's lines above them, and gone when the run ends. A dumb terminal gets none.
 */
class TerminalStatusTest {
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final AtomicLong now = new AtomicLong();
    private final List<Runnable> ticks = new ArrayList<>();
    private final Ticker byHand = (period, tick) -> {
        ticks.add(tick);
        return () -> ticks.remove(tick);
    };

    /** A terminal on streams that writes as it is told, on this thread (a pty-backed one would pump its output on another). */
    private Terminal terminal(String type) throws IOException {
        ExternalTerminal terminal = new ExternalTerminal("test", type, new ByteArrayInputStream(new byte[0]), screen, StandardCharsets.UTF_8);
        terminal.setSize(new Size(100, 30));
        return terminal;
    }

    private String shown() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theStatusLineIsDrawnAtOnceAndItsTimeMovesOnWithEveryTick() throws IOException {
        StatusBoard board = new StatusBoard("oth install", "checking the site file and the bundles", now::get);
        StringWriter out = new StringWriter();
        Screen lines = new Screen(out, new StringWriter());
        try (TerminalStatus status = TerminalStatus.show(terminal("xterm-256color"), lines, board, false, byHand).orElseThrow()) {
            assertTrue(shown().contains("oth install 0 s · checking the site file and the bundles"), shown());
            board.start("storage", "objects").waitFor("MinIO on 10.77.0.5:9000 to answer");
            assertTrue(shown().contains("storage  objects 0 s  waiting for MinIO on 10.77.0.5:9000 to answer, 0 s"), shown());
            screen.reset();
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertEquals(1, ticks.size(), "a ticker redraws the lines");
            ticks.get(0).run();
            String first = shown();
            screen.reset();
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            ticks.get(0).run();
            String second = shown();
            assertTrue(first.contains("to answer, 1 s"), first);
            assertTrue(second.contains("to answer, 2 s"), second);
            assertTrue(second.startsWith("\r\u001b[A"), "back up to the first status line, then over it: " + second.replace("\u001b", "ESC"));
            assertTrue(second.contains("\u001b[K") && second.endsWith("\u001b[J"), "each line cleared to its end, the rest of the screen too");
        }
        assertEquals("", out.toString(), "status lines never reach the run's output");
        assertTrue(ticks.isEmpty(), "the ticker stops with the status");
    }

    @Test
    void aLineWiderThanTheTerminalIsCutWithAnEllipsis() throws IOException {
        StatusBoard board = new StatusBoard("oth install", "starting", now::get);
        Terminal narrow = terminal("xterm-256color");
        narrow.setSize(new Size(40, 30));
        try (TerminalStatus status = TerminalStatus.show(narrow, new Screen(new StringWriter(), new StringWriter()), board, false, byHand).orElseThrow()) {
            board.start("storage", "objects").waitFor("MinIO on 10.77.0.5:9000 to answer");
            String line = shown().lines().filter(l -> l.contains("storage")).reduce((a, b) -> b).orElseThrow()
                    .replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").replace("\r", "");
            assertEquals(39, line.length(), line);
            assertTrue(line.endsWith("\u2026"), line);
        }
    }

    @Test
    void theRunsLinesGoAboveTheStatusLinesWholeAndUnchanged() throws IOException {
        StatusBoard board = new StatusBoard("oth install", "starting", now::get);
        ByteArrayOutputStream same = screen;
        PrintWriter stdout = new PrintWriter(same, true, StandardCharsets.UTF_8);
        Screen lines = new Screen(stdout, new StringWriter());
        try (TerminalStatus status = TerminalStatus.show(terminal("xterm-256color"), lines, board, false, byHand).orElseThrow()) {
            board.start("lb", "haproxy");
            screen.reset();
            PrintWriter printed = new PrintWriter(lines.out(), true);
            printed.print("[lb] == Load balancer: ");
            printed.flush();
            assertEquals("", shown(), "half a line waits for its end");
            printed.println("certificate bundle and haproxy");
            String after = shown();
            int line = after.indexOf("[lb] == Load balancer: certificate bundle and haproxy\n");
            assertTrue(line > 0, after);
            assertTrue(after.substring(0, line).endsWith("\u001b[J"), "the status lines are cleared first: " + after.replace("\u001b", "ESC"));
            assertTrue(after.substring(line).contains("lb  haproxy 0 s"), "and drawn again below the line: " + after);
        }
        String end = shown();
        assertTrue(end.endsWith("\u001b[J"), "the status lines are taken off at the end: " + end.replace("\u001b", "ESC"));
    }

    @Test
    void aDumbTerminalGetsNoStatusLines() throws IOException {
        StatusBoard board = new StatusBoard("oth install", "starting", now::get);
        Optional<TerminalStatus> status = TerminalStatus.show(terminal(Terminal.TYPE_DUMB), new Screen(new StringWriter(), new StringWriter()),
                board, false, byHand);
        assertTrue(status.isEmpty());
        assertEquals("", shown());
        assertTrue(ticks.isEmpty());
    }

    @Test
    void aLineWiderThanTheTerminalIsCutSoThatNoStatusLineWraps() throws IOException {
        StatusBoard board = new StatusBoard("oth install", "x".repeat(300), now::get);
        try (TerminalStatus status = TerminalStatus.show(terminal("xterm-256color"), new Screen(new StringWriter(), new StringWriter()),
                board, false, byHand).orElseThrow()) {
            assertTrue(shown().contains("x".repeat(80)));
            assertFalse(shown().contains("x".repeat(100)), "cut to the width less one column");
        }
    }
}
