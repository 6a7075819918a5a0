package io.oth.op;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ServiceOp.pidFileNames and pidFileAlive run by a real shell: alive (and named so), or not. */
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
}
