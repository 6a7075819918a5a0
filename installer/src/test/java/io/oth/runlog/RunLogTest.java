package io.oth.runlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.transport.TransportException;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T15:12:00Z"), ZoneOffset.UTC);

    @TempDir
    Path state;

    @Test
    void whatWasPrintedBeforeTheLogOpenedIsInItAndTheFileIsPrivate() throws IOException {
        StringWriter screen = new StringWriter();
        Path file;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            PrintWriter out = new PrintWriter(log.tee(screen, "out"), true);
            out.println("before the site was known");
            file = log.open(state.resolve("logs"), "certs rotate", "oth test", false);
            out.println("after");
            out.print("a question without its newline? ");
            out.flush();
        }
        assertEquals("before the site was known\nafter\na question without its newline? ", screen.toString());
        assertEquals(state.resolve("logs/20261204T151200Z-certs-rotate.log"), file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(List.of("# oth test", "15:12:00.000 out   before the site was known", "15:12:00.000 out   after",
                "15:12:00.000 out   a question without its newline? "), Files.readAllLines(file));
    }

    /** A debug line is on disk when written, not when the run ends: `tail -f` follows a run, and a killed run keeps its last steps. */
    @Test
    void aDebugLineIsInTheFileBeforeTheRunEnds() throws IOException {
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            Path file = log.open(state.resolve("logs"), "install", "oth test", false);
            log.debug("[app1] run: true -> exit 0 in 3 ms", "sh -c true");
            assertEquals(List.of("# oth test", "15:12:00.000 debug [app1] run: true -> exit 0 in 3 ms", "15:12:00.000 debug     sh -c true"),
                    Files.readAllLines(file));
            log.warn("sshj", "connection reset", null);
            assertTrue(Files.readString(file).endsWith("15:12:00.000 warn  sshj: connection reset\n"), () -> file.toString());
        }
    }

    @Test
    void twoRunsInOneSecondGetTwoFiles() throws IOException {
        Path first;
        Path second;
        try (RunLog a = RunLog.start(CLOCK, new PrintWriter(new StringWriter())); RunLog b = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            first = a.open(state, "install", "a", false);
            second = b.open(state, "install", "b", false);
        }
        assertEquals("20261204T151200Z.1-install.log", second.getFileName().toString());
        assertTrue(Files.readString(first).startsWith("# a"));
        assertTrue(Files.readString(second).startsWith("# b"));
    }

    @Test
    void theFiftyFirstRunRemovesTheOldest() throws IOException {
        Path logs = Files.createDirectories(state.resolve("logs"));
        for (int day = 1; day <= RunLog.KEEP; day++) {
            Files.writeString(logs.resolve(String.format("202611%02dT090000Z-doctor.log", day)), "old\n");
        }
        Path unrelated = Files.writeString(logs.resolve("notes.txt"), "not a log\n");
        Path newest;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            newest = log.open(logs, "install", "new", false);
        }
        List<String> left;
        try (Stream<Path> files = Files.list(logs)) {
            left = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
        assertEquals(RunLog.KEEP, left.size(), left::toString);
        assertFalse(left.contains("20261101T090000Z-doctor.log"), "the oldest is gone");
        assertTrue(left.contains("20261102T090000Z-doctor.log"), "the next is kept");
        assertTrue(left.contains(newest.getFileName().toString()));
        assertTrue(Files.exists(unrelated), "only run logs are removed");
    }

    @Test
    void debugLinesGoToTheScreenOnlyWhenVerboseAndDetailsOnlyToTheFile() throws IOException {
        for (boolean verbose : new boolean[] {false, true}) {
            StringWriter screen = new StringWriter();
            Path file;
            try (RunLog log = RunLog.start(CLOCK, new PrintWriter(screen))) {
                log.debug("dropped: no file yet");
                file = log.open(state.resolve(String.valueOf(verbose)), "nodes", "h", verbose);
                log.debug("[lb] run: a script -> exit 0 in 3 ms", "line one\nline two");
            }
            assertEquals(verbose ? "[lb] run: a script -> exit 0 in 3 ms\n" : "", screen.toString());
            assertEquals(List.of("# h", "15:12:00.000 debug [lb] run: a script -> exit 0 in 3 ms", "15:12:00.000 debug     line one",
                    "15:12:00.000 debug     line two"), Files.readAllLines(file));
        }
    }

    @Test
    void libraryWarningsAreKeptInTheRunsLogAndLesserLevelsAreNot() throws IOException {
        Path file;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            file = log.open(state, "nodes", "h", false);
            LoggerFactory.getLogger("net.schmizz.sshj.Test").info("an info line");
            LoggerFactory.getLogger("net.schmizz.sshj.Test").warn("a warning about {}", "the transport", new IllegalStateException("why"));
            java.util.logging.Logger.getLogger("okhttp3.OkHttpClient").warning("a connection was leaked");
            java.util.logging.Logger.getLogger("okhttp3.OkHttpClient").info("an okhttp info line");
        }
        LoggerFactory.getLogger("net.schmizz.sshj.Test").warn("after the run: nowhere");
        java.util.logging.Logger.getLogger("okhttp3.OkHttpClient").warning("after the run: nowhere either");
        String text = Files.readString(file);
        assertTrue(text.contains("warn  WARN net.schmizz.sshj.Test: a warning about the transport\n"), text);
        assertTrue(text.contains("trace java.lang.IllegalStateException: why"), text);
        assertFalse(text.contains("an info line"), text);
        assertTrue(text.contains("warn  WARNING okhttp3.OkHttpClient: a connection was leaked\n"), text);
        assertFalse(text.contains("an okhttp info line"), text);
        assertFalse(text.contains("after the run"), text);
    }

    @Test
    void theEndOfAForwardedConnectionIsNotLoggedAsAnError() throws IOException {
        Path file;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            file = log.open(state, "nodes", "h", false);
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "a socket", "a channel",
                    new java.net.SocketException("Socket closed"));
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "copyDone",
                    new java.net.SocketException("Socket closed").toString());
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "a socket", "a channel",
                    new java.net.SocketException("Connection reset"));
        }
        String text = Files.readString(file);
        assertFalse(text.contains("Socket closed"), text);
        assertTrue(text.contains("warn  ERROR net.schmizz.sshj.common.StreamCopier: In pipe from a socket to a channel\n"), text);
        assertTrue(text.contains("trace java.net.SocketException: Connection reset"), text);
    }

    /**
     * A service still starting refuses the connections oth's forward asks the node for (oth tries
     * again and logs that itself), and oth's own client may hang up while the service still sends:
     * sshj logs both at ERROR. Neither is kept; a channel that fails otherwise still is.
     */
    @Test
    void aRefusedForwardAndOthsOwnClientHangingUpAreNotLoggedAsErrors() throws IOException {
        Path file;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            file = log.open(state, "install", "h", false);
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "chan#24 / open",
                    "Opening `direct-tcpip` channel failed: Connection refused");
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "< ChannelInputStream for Channel #2 >",
                    "java.net.Socket$SocketOutputStream@30cab27", new java.net.SocketException("Broken pipe"));
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "copyDone",
                    new java.net.SocketException("Broken pipe").toString());
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "chan#25 / close", "a transport failure");
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "a socket", "a channel",
                    new java.net.SocketException("Broken pipe"));
        }
        String text = Files.readString(file);
        assertFalse(text.contains("Connection refused"), text);
        assertFalse(text.contains("copyDone"), text);
        assertFalse(text.contains("ChannelInputStream"), text);
        assertTrue(text.contains("warn  ERROR net.schmizz.concurrent.Promise: <<chan#25 / close>> woke to: a transport failure\n"), text);
        assertTrue(text.contains("warn  ERROR net.schmizz.sshj.common.StreamCopier: In pipe from a socket to a channel\n"), text);
    }

    /**
     * oth's own disconnect at the end of a run, with a forwarded connection whose service had not
     * hung up yet: sshj's copier, the promises that waited for it and the channel's close each say
     * so at ERROR or WARN. A connection the peer dropped is still kept.
     */
    @Test
    void theEchoesOfOthsOwnDisconnectAreNotLoggedButALostConnectionIs() throws IOException {
        TransportException own = new TransportException(DisconnectReason.BY_APPLICATION, "Disconnected");
        ConnectionException carried = ConnectionException.chainer.chain(own);
        TransportException lost = new TransportException(DisconnectReason.CONNECTION_LOST, "Broken transport; encountered EOF");
        Path file;
        try (RunLog log = RunLog.start(CLOCK, new PrintWriter(new StringWriter()))) {
            file = log.open(state, "nodes", "h", false);
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "a channel", "a socket", own);
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "copyDone", own.toString());
            LoggerFactory.getLogger("net.schmizz.concurrent.Promise").error("<<{}>> woke to: {}", "chan#1 / close", carried.toString());
            LoggerFactory.getLogger("net.schmizz.sshj.common.IOUtils").warn("Error closing {} - {}", "a direct-tcpip channel", carried.getMessage(), carried);
            LoggerFactory.getLogger("net.schmizz.sshj.common.StreamCopier").error("In pipe from {} to {}", "the lost channel", "a socket", lost);
        }
        String text = Files.readString(file);
        assertFalse(text.contains("Disconnected"), text);
        assertTrue(text.contains("warn  ERROR net.schmizz.sshj.common.StreamCopier: In pipe from the lost channel to a socket\n"), text);
        assertTrue(text.contains("trace net.schmizz.sshj.transport.TransportException: [CONNECTION_LOST] Broken transport; encountered EOF"), text);
    }
}
