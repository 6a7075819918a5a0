package io.oth.remote;

import io.oth.progress.Waiting;
import io.oth.runlog.DebugLog;
import io.oth.secret.Secret;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A {@link Host} that writes a debug line for every call to the one it wraps: the node's name as
 * prefix, the command as it prints (secrets as {@code ***}), its exit status and how long it took.
 * A command's stdin is never logged, only that it had one; an upload is named by its path, never
 * its content. A shell script is named by its first line; the log file also gets its whole text.
 * A forward says when it opened and, when it closes, how long it was open (the checks and reads
 * through it took that long).
 */
public final class TracedHost implements Host {
    private final Host host;
    private final DebugLog log;

    private TracedHost(Host host, DebugLog log) {
        this.host = host;
        this.log = log;
    }

    /** {@code host}, traced into {@code log}; {@code host} itself when the log keeps nothing. */
    public static Host of(Host host, DebugLog log) {
        return log == DebugLog.NONE ? host : new TracedHost(host, log);
    }

    @Override
    public String name() {
        return host.name();
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        long start = System.nanoTime();
        try {
            CommandResult result = host.run(command, timeout);
            ran("run", command, "exit " + result.exitCode(), start);
            return result;
        } catch (RemoteException | RuntimeException e) {
            ran("run", command, "failed: " + e.getMessage(), start);
            throw e;
        }
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        long start = System.nanoTime();
        try {
            CommandResult result = host.run(command, input, timeout);
            ran("run (stdin not logged)", command, "exit " + result.exitCode(), start);
            return result;
        } catch (RemoteException | RuntimeException e) {
            ran("run (stdin not logged)", command, "failed: " + e.getMessage(), start);
            throw e;
        }
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException {
        long start = System.nanoTime();
        String what = "upload " + path + " " + owner + " " + mode + " (" + content.length + " bytes" + (check == null ? "" : ", checked by " + check) + ")";
        try {
            StepWaits.shownBy(this, () -> host.upload(content, path, owner, mode, check));
            line(what + " -> ok", start, "");
        } catch (RemoteException | RuntimeException e) {
            line(what + " -> failed: " + e.getMessage(), start, "");
            throw e;
        }
    }

    @Override
    public void upload(List<Upload> files) throws RemoteException {
        long start = System.nanoTime();
        String what = "upload " + files.stream().map(f -> f.path() + " " + f.owner() + " " + f.mode() + " (" + f.content().length + " bytes"
                + (f.check() == null ? "" : ", checked by " + f.check()) + ")").collect(Collectors.joining(", ")) + (files.size() > 1 ? " in one session" : "");
        try {
            StepWaits.shownBy(this, () -> host.upload(files));
            line(what + " -> ok", start, "");
        } catch (RemoteException | RuntimeException e) {
            line(what + " -> failed: " + e.getMessage(), start, "");
            throw e;
        }
    }

    @Override
    public Optional<byte[]> read(String path) throws RemoteException {
        long start = System.nanoTime();
        try {
            Optional<byte[]> content = host.read(path);
            line("read " + path + " -> " + content.map(c -> c.length + " bytes").orElse("absent"), start, "");
            return content;
        } catch (RemoteException | RuntimeException e) {
            line("read " + path + " -> failed: " + e.getMessage(), start, "");
            throw e;
        }
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        long start = System.nanoTime();
        try {
            Forward forward = host.forward(address, port);
            line("forward to " + address + ":" + port + " -> local port " + forward.localPort(), start, "");
            long opened = System.nanoTime();
            AtomicBoolean closed = new AtomicBoolean();
            return new Forward() {
                @Override
                public int localPort() {
                    return forward.localPort();
                }

                @Override
                public Optional<RemoteException> refusal() {
                    return forward.refusal();
                }

                @Override
                public void close() {
                    forward.close();
                    if (closed.getAndSet(true)) {
                        return;  // closed before: by its check's deadline, say
                    }
                    log.debug("[" + host.name() + "] forward to " + address + ":" + port + " (local port " + forward.localPort() + ") closed after "
                            + (System.nanoTime() - opened) / 1_000_000 + " ms", "");
                }
            };
        } catch (RemoteException | RuntimeException e) {
            line("forward to " + address + ":" + port + " -> failed: " + e.getMessage(), start, "");
            throw e;
        }
    }

    @Override
    public Waiting waitingFor(String what) {
        long start = System.nanoTime();
        return host.waitingFor(what).and(() -> line("waited for " + what, start, ""));
    }

    private void ran(String how, Command command, String outcome, long start) {
        String text = command.toString();
        boolean script = text.contains("\n");
        line(how + ": " + (script ? command.brief() : text) + " -> " + outcome, start, script ? text : "");
    }

    private void line(String what, long start, String detail) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        log.debug("[" + host.name() + "] " + what + " in " + ms + " ms", detail);
    }
}
