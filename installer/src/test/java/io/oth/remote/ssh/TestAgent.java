package io.oth.remote.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real ssh-agent on a socket of the test's own, holding the given keys; stopped by {@link #close}. */
public final class TestAgent implements AutoCloseable {
    private final Process process;
    private final Path socket;

    private TestAgent(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts {@code ssh-agent -D -a SOCKET} and adds each key with ssh-add. */
    public static TestAgent start(Path socket, Path... keys) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(socket.resolveSibling(socket.getFileName() + ".log").toFile()).start();
        TestAgent agent = new TestAgent(process, socket);
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            for (Path key : keys) {
                ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
                add.environment().put("SSH_AUTH_SOCK", socket.toString());
                Process adding = add.start();
                String output = new String(adding.getInputStream().readAllBytes());
                assertTrue(adding.waitFor(10, TimeUnit.SECONDS) && adding.exitValue() == 0, "ssh-add " + key + ": " + output);
            }
            return agent;
        } catch (IOException | InterruptedException | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
