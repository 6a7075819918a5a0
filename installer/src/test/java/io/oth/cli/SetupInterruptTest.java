package io.oth.cli;

import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C in {@code oth setup}, on a JLine terminal built on streams: the exit status a shell expects after SIGINT. */
class SetupInterruptTest {
    @TempDir
    Path dir;

    /** A person who presses Ctrl-C at the first prompt, as the terminal's line discipline raises it. */
    private static final class CtrlCAtThePrompt extends InputStream {
        private final ByteArrayOutputStream screen;
        private final CountDownLatch over = new CountDownLatch(1);
        private volatile Terminal terminal;
        private boolean pressed;

        CtrlCAtThePrompt(ByteArrayOutputStream screen) {
            this.screen = screen;
        }

        @Override
        public int read() throws IOException {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!pressed && System.nanoTime() < deadline) {
                    if (terminal != null && screen.toString(StandardCharsets.UTF_8).stripTrailing().endsWith(":")) {
                        pressed = true;
                        terminal.raise(Terminal.Signal.INT);
                    }
                    Thread.sleep(2);
                }
                over.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    @Test
    void ctrlCAtAQuestionExits130AndWritesNothing() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        CtrlCAtThePrompt person = new CtrlCAtThePrompt(screen);
        Terminal terminal = TerminalBuilder.builder().system(false).streams(person, screen).type("ansi").build();
        terminal.setSize(new Size(120, 40));
        Attributes attributes = terminal.getAttributes();
        attributes.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        terminal.setAttributes(attributes);
        person.terminal = terminal;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path siteFile = dir.resolve("site.yml");
        int code;
        try {
            code = new CommandLine(new SetupCommand(() -> terminal)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err, true))
                    .execute("--site", siteFile.toString());
        } finally {
            person.over.countDown();
        }
        assertEquals(ExitCode.INTERRUPTED.code(), code, () -> screen.toString(StandardCharsets.UTF_8) + "\n--- err\n" + err);
        assertEquals(130, code);
        assertEquals("oth setup: stopped: interrupted; the site file was not written\n", err.toString());
        assertTrue(Files.notExists(siteFile));
    }
}
