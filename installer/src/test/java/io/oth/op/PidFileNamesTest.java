package io.oth.op;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** ServiceOp's shell tests run by a real shell: pidFileNames and pidFileAlive (alive, and named so, or not), and listening. */
class PidFileNamesTest {
    private static int sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @Test
    void aPidFileNamingALiveProcessOfThatProgramPasses() throws Exception {
        Path pid = Files.createTempFile("oth", ".pid");
        try {
            Process sleeper = new ProcessBuilder("sleep", "30").start();
            try {
                Files.writeString(pid, sleeper.pid() + "\n");
                assertEquals(0, sh(ServiceOp.pidFileNames(pid.toString(), "sleep")));
                assertEquals(1, sh(ServiceOp.pidFileNames(pid.toString(), "mariadbd")), "another program");
            } finally {
                sleeper.destroyForcibly().waitFor();
            }
            assertEquals(1, sh(ServiceOp.pidFileNames(pid.toString(), "sleep")), "no longer running");
            Files.writeString(pid, "1; rm -rf /tmp/x\n");
            assertEquals(1, sh(ServiceOp.pidFileNames(pid.toString(), "sleep")), "digits only");
            assertEquals(1, sh(ServiceOp.pidFileNames(pid.resolveSibling("absent.pid").toString(), "sleep")));
        } finally {
            Files.deleteIfExists(pid);
        }
    }

    @Test
    void aPidFileNamingALiveProcessIsAliveWhateverItsProgram() throws Exception {
        Path pid = Files.createTempFile("oth", ".pid");
        try {
            Process sleeper = new ProcessBuilder("sleep", "30").start();
            try {
                Files.writeString(pid, String.valueOf(sleeper.pid()));
                assertEquals(0, sh(ServiceOp.pidFileAlive(pid.toString())), "no newline after the pid is fine");
            } finally {
                sleeper.destroyForcibly().waitFor();
            }
            assertEquals(1, sh(ServiceOp.pidFileAlive(pid.toString())), "no longer running");
            Files.writeString(pid, "\n");
            assertEquals(1, sh(ServiceOp.pidFileAlive(pid.toString())), "empty");
            assertEquals(1, sh(ServiceOp.pidFileAlive(pid.resolveSibling("absent.pid").toString())));
        } finally {
            Files.deleteIfExists(pid);
        }
    }

    @Test
    void aListeningSocketIsSeenOnIpv4AndIpv6AndAClosedOneIsNot() throws Exception {
        try (java.net.ServerSocket v4 = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(0, sh(ServiceOp.listening(v4.getLocalPort())), "IPv4");
            int closed;
            try (java.net.ServerSocket gone = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                closed = gone.getLocalPort();
            }
            assertEquals(1, sh(ServiceOp.listening(closed)), "closed");
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", v4.getLocalPort()); java.net.Socket accepted = v4.accept()) {
                // The connection's own port on the client side is in the table too, but not listening.
                assertEquals(1, sh(ServiceOp.listening(client.getLocalPort())), "a connected socket is not a listener");
            }
        }
        try (java.net.ServerSocket v6 = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
            assertEquals(0, sh(ServiceOp.listening(v6.getLocalPort())), "IPv6");
        } catch (java.net.SocketException e) {
            // No IPv6 on this machine's loopback: nothing to check there.
        }
        assertThrows(IllegalArgumentException.class, () -> ServiceOp.listening(0));
        assertThrows(IllegalArgumentException.class, () -> ServiceOp.listening(65536));
    }
}
