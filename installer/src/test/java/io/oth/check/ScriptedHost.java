package io.oth.check;

import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node that answers doctor's probe scripts from a table, without SSH: each probe the script names
 * gets the answer {@code answers} gives for its key, printed the way {@link Probe#parse} reads it.
 * Every probe key asked for is recorded.
 */
final class ScriptedHost implements Host {
    private static final Pattern KEY = Pattern.compile("'@@oth-probe' '([^']+)'");

    private final String name;
    private final Function<String, Probe.Answer> answers;
    final List<String> asked = new ArrayList<>();
    private RemoteException failure;
    private RemoteException forwardRefusal;
    private int forwardedTo;

    ScriptedHost(String name, Function<String, Probe.Answer> answers) {
        this.name = name;
        this.answers = answers;
    }

    /** Every command from now on fails with {@code e} (as sudo's refusal or a lost connection would). */
    ScriptedHost failing(RemoteException e) {
        this.failure = e;
        return this;
    }

    /** Forwards open, but every connection through them is refused by the node with {@code e} (its sshd forbids forwarding). */
    ScriptedHost refusingForwards(RemoteException e) {
        this.forwardRefusal = e;
        return this;
    }

    /** Every forward leads to {@code localPort} on the loopback address, where the test serves what the target would. */
    ScriptedHost forwardingTo(int localPort) {
        this.forwardedTo = localPort;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        if (failure != null) {
            throw failure;
        }
        StringBuilder out = new StringBuilder();
        // the script as written: render() quotes it for sh -c, each ' becoming '"'"'
        Matcher m = KEY.matcher(command.render(false).replace("'\"'\"'", "'"));
        while (m.find()) {
            asked.add(m.group(1));
            Probe.Answer a = answers.apply(m.group(1));
            if (a == null) {
                continue; // a node that leaves this probe's section out
            }
            out.append("@@oth-probe ").append(m.group(1)).append('\n').append(a.output()).append("\n\n@@oth-probe-rc ").append(a.exitCode()).append('\n');
        }
        return new CommandResult(0, out.toString(), "");
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        return run(command, timeout);
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) {
        throw new UnsupportedOperationException("doctor does not write");
    }

    @Override
    public Optional<byte[]> read(String path) {
        throw new UnsupportedOperationException("doctor reads through probes");
    }

    /**
     * Every forward leads to a service that takes the connection and never answers (a hung
     * process), and closes the connections it took when it closes, as oth's SSH forwards do.
     */
    ScriptedHost forwardingToHungServices() {
        this.forwardedTo = -1;
        return this;
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        if (forwardedTo == -1) {
            return hung();
        }
        if (forwardedTo != 0) {
            return forward(forwardedTo, Optional.empty());
        }
        if (forwardRefusal == null) {
            throw new RemoteException(name, io.oth.remote.Failure.CONNECTION_LOST, "no forwards in this test");
        }
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return forward(closed, Optional.of(forwardRefusal));
    }

    private static Forward hung() {
        try {
            java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            java.util.List<java.net.Socket> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread accepting = new Thread(() -> {
                try {
                    while (true) {
                        taken.add(socket.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }, "hung service");
            accepting.setDaemon(true);
            accepting.start();
            return new Forward() {
                @Override
                public int localPort() {
                    return socket.getLocalPort();
                }

                @Override
                public void close() {
                    try {
                        socket.close();
                        for (java.net.Socket s : taken) {
                            s.close();
                        }
                    } catch (java.io.IOException e) {
                        // going away either way
                    }
                }
            };
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Forward forward(int port, Optional<RemoteException> refusal) {
        return new Forward() {
            @Override
            public int localPort() {
                return port;
            }

            @Override
            public Optional<RemoteException> refusal() {
                return refusal;
            }

            @Override
            public void close() {
                // nothing was opened
            }
        };
    }
}
