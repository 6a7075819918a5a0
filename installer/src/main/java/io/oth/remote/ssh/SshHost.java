package io.oth.remote.ssh;

import io.oth.remote.Command;
import io.oth.remote.Causes;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.StepWaits;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.remote.Sha256;
import io.oth.remote.Sizes;
import io.oth.remote.Upload;
import io.oth.concurrent.Deadline;
import io.oth.concurrent.OwnThread;
import io.oth.runlog.DebugLog;
import io.oth.site.Addresses;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.LocalPortForwarder;
import net.schmizz.sshj.connection.channel.direct.Parameters;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A node reached over one SSH connection, reused for every command. */
final class SshHost implements Host, AutoCloseable {
    /** The most a command may print (on stdout, and on stderr): more than any file oth reads back. */
    static final int MAX_OUTPUT = 256 << 20;
    private static final int FILE_MISSING = 3;
    /** A damaged transfer is sent again this many times before the upload fails. */
    private static final int UPLOAD_ATTEMPTS = 2;
    /** The first line every command line prints ({@link #afterBegin}). */
    static final String BEGIN = "@@oth-begin";
    private static final byte[] BEGIN_LINE = (BEGIN + "\n").getBytes(StandardCharsets.UTF_8);
    /** How much a login shell may print before the command line runs: more is no banner. */
    private static final int NOISE_MAX = 64 << 10;
    /** What coreutils timeout exits with when it stopped the command, and when it had to kill it. */
    private static final int TIMED_OUT = 124;
    private static final int KILLED_AFTER_TIMEOUT = 137;
    /** How long a forward waits for its listener to record a refusal once a client through it has failed. */
    private static final Duration REFUSAL_WAIT = Duration.ofMillis(300);

    private final String name;
    private final SSHClient ssh;
    private final boolean root;
    private final AtomicInteger sessions;
    /** oth's sessions open on this connection now: while there are none, a refused session is not waiting for one of them. */
    private final AtomicInteger open = new AtomicInteger();
    /** The large uploads of the fleet this connection belongs to, a few at a time. */
    private final TransferGate transfers;
    /** The forwards still open, closed with the connection they go through. */
    private final Set<Forward> forwards = ConcurrentHashMap.newKeySet();
    /** Where a forward says that the node could not open a connection it was asked for. */
    private final DebugLog debugLog;
    /** Whether the run log has heard that this node's login shell prints before each command. */
    private final AtomicBoolean noiseSaid = new AtomicBoolean();

    SshHost(String name, SSHClient ssh, boolean root, AtomicInteger sessions, TransferGate transfers, DebugLog debugLog) {
        this.name = name;
        this.ssh = ssh;
        this.root = root;
        this.sessions = sessions;
        this.transfers = transfers;
        this.debugLog = debugLog;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        return command.hasSecret()
                ? run(Command.of("sh", "-s"), Secret.of(command.render(true)), timeout, command)
                : run(command, null, timeout, command);
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        if (command.hasSecret()) {
            throw new IllegalArgumentException("a command that reads stdin takes its secrets there, not in its arguments: " + command);
        }
        return run(command, input, timeout, command);
    }

    private CommandResult run(Command command, Secret input, Duration timeout, Command shown) throws RemoteException {
        // The node enforces the timeout itself (coreutils timeout), so the command really stops.
        String limit = "timeout -k 5 " + Math.max(1, timeout.toSeconds()) + " ";
        List<byte[]> stdin = input == null ? List.of() : List.of(input.reveal().getBytes(StandardCharsets.UTF_8));
        Raw raw = exec(asRoot(limit + command.render(true)), stdin, timeout.plusSeconds(10), shown);
        if (raw.exitCode == TIMED_OUT || raw.exitCode == KILLED_AFTER_TIMEOUT) {
            throw new RemoteException(name, Failure.COMMAND_TIMEOUT, "the node's limit of " + timeout.toSeconds() + " s ended it: " + shown.brief());
        }
        return new CommandResult(raw.exitCode, raw.text(raw.out), raw.text(raw.err));
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException {
        upload(List.of(new Upload(content, path, owner, mode, check)));
    }

    /** All of {@code files} in one session ({@link Upload#script}): one round trip instead of one each. */
    @Override
    public void upload(List<Upload> files) throws RemoteException {
        if (files.isEmpty()) {
            return;
        }
        Command script = Command.shell(Upload.script(files));
        // The files' bytes one after another, as the script reads them: written as they are, not copied into one array.
        List<byte[]> stdin = files.stream().map(Upload::content).toList();
        Command shown = Command.of(Stream.concat(Stream.of("upload"), files.stream().map(Upload::path)).toArray());
        Raw raw = null;
        long bytes = stdin.stream().mapToLong(b -> b.length).sum();
        try (TransferGate.Turn turn = transfers.enter(bytes, () -> StepWaits.waitingFor("its turn to upload " + (bytes >> 20) + " MiB ("
                + SshFleet.UPLOADS_AT_ONCE + " large uploads at a time through the bastion, the largest first)"))) {
            for (int attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
                raw = exec(asRoot(script.render(true)), stdin, Duration.ofSeconds(120L * files.size()), shown);
                if (raw.exitCode != Upload.ARRIVED_DAMAGED) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException(name, Failure.COMMAND_FAILED, "interrupted while waiting to upload " + shown);
        }
        if (raw.exitCode == 0) {
            return;
        }
        Optional<Integer> at = Upload.stoppedAt(raw.text(raw.out), files.size());
        String err = raw.text(raw.err).strip();
        if (raw.exitCode == Upload.ARRIVED_DAMAGED) {
            Upload damaged = files.get(at.orElse(0));
            throw new Upload.Failed(name, Failure.COMMAND_FAILED, "upload to " + damaged.path() + " arrived damaged " + UPLOAD_ATTEMPTS + " times ("
                    + err + ", not " + Sha256.hex(damaged.content()) + "); " + (files.size() == 1 ? "the file was left as it was" : "the files were left as they were"), 0);
        }
        int landed = at.orElse(0);
        if (raw.exitCode == Upload.CHECK_REJECTED && at.isPresent()) {
            throw new Upload.Failed(name, Failure.CHECK_FAILED, files.get(landed).path() + ": " + err, landed);
        }
        String which = at.map(i -> files.get(i).path()).orElse(files.stream().map(Upload::path).collect(Collectors.joining(", ")));
        if (err.contains(NO_SPACE)) {
            // What failed to write (head, mktemp, the shell) says nothing to the operator: where, and how much.
            throw new Upload.Failed(name, Failure.DISK_FULL, "upload to " + which + " failed: " + NO_SPACE + " for its " + Sizes.ofBytes(bytes)
                    + " there", landed);
        }
        throw new Upload.Failed(name, Failure.COMMAND_FAILED, "upload to " + which + " failed: " + err, landed);
    }

    @Override
    public Optional<byte[]> read(String path) throws RemoteException {
        String p = Command.quote(path);
        Command script = Command.shell("[ -e " + p + " ] || exit " + FILE_MISSING + "; exec cat -- " + p);
        Raw raw = exec(asRoot(script.render(true)), List.of(), Duration.ofSeconds(60), script);
        if (raw.exitCode == FILE_MISSING) {
            return Optional.empty();
        }
        if (raw.exitCode != 0) {
            throw new RemoteException(name, Failure.COMMAND_FAILED, "reading " + path + " failed: " + raw.text(raw.err).strip());
        }
        return Optional.of(raw.out);
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        try {
            Accepting socket = new Accepting();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Parameters params = new Parameters("127.0.0.1", socket.getLocalPort(), address, port);
            // Not ssh.newLocalPortForwarder: it appends to an unsynchronised list (checks open forwards side
            // by side, and a lost race threw out of the run) and keeps every forwarder until disconnect.
            // This host closes its own forwards, so the forwarder is made here and kept in `forwards`.
            LocalPortForwarder forwarder = new LocalPortForwarder(ssh.getConnection(), params, socket,
                    ssh.getTransport().getConfig().getLoggerFactory());
            AtomicReference<RemoteException> refusal = new AtomicReference<>();
            Semaphore failed = new Semaphore(0);
            Thread listener = new Thread(() -> {
                // sshj's listen() ends at the first channel the node could not open. A service that is
                // still starting refuses its first clients: keep listening, so that the next client
                // (a retry) gets through as soon as the service answers, instead of waiting on a dead forward.
                while (!socket.isClosed()) {
                    try {
                        forwarder.listen();
                        return;
                    } catch (OpenFailException e) {
                        boolean prohibited = e.getReason() == OpenFailException.Reason.ADMINISTRATIVELY_PROHIBITED;
                        // The run log's own line for what sshj would log as an ERROR (LibraryLogging drops
                        // that echo): a service still starting refuses its first clients, which is no error.
                        debugLog.debug("[" + name + "] forward to " + Addresses.hostPort(address, port) + ": the node could not open a connection ("
                                + e.getReason() + ", " + NodeText.shown(e.getMessage(), 160) + ")");
                        if (prohibited) {
                            refusal.set(new RemoteException(name, Failure.NODE_FORWARDING_REFUSED, "to " + Addresses.hostPort(address, port)
                                    + " (" + e.getMessage() + ")"));
                        }
                        failed.release();
                        if (prohibited) {
                            return;
                        }
                    } catch (IOException ignored) {
                        // closing the forward ends listen() with an exception; nothing to report
                        return;
                    }
                }
            }, "oth-forward-" + name + "-" + port);
            listener.setDaemon(true);
            listener.start();
            Forward forward = new Forward() {
                @Override
                public int localPort() {
                    return socket.getLocalPort();
                }

                @Override
                public Optional<RemoteException> refusal() {
                    // the refused client may notice before the listener has recorded why: give it a moment
                    try {
                        failed.tryAcquire(REFUSAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.ofNullable(refusal.get());
                }

                @Override
                public void close() {
                    forwards.remove(this);
                    // Not forwarder.close(): it throws before listen() has begun, leaving the socket open.
                    // listen() ends once its socket is closed and its thread interrupted: both, in this order,
                    // so that the loop above, seeing the socket closed, does not listen again.
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                    listener.interrupt();
                }
            };
            forwards.add(forward);
            return forward;
        } catch (IOException e) {
            throw new RemoteException(name, Failure.CONNECTION_LOST, "cannot forward to " + Addresses.hostPort(address, port) + ": " + e.getMessage());
        }
    }

    /**
     * A forward's listening socket, which closes the connections it accepted when it closes. A
     * client that pools its connections (the MinIO client does) leaves them open; sshj's copier
     * thread then sits in a socket read after the SSH connection is gone, and the JVM waits 0.3 s
     * at exit for every thread in native code. Closed, their reads end at once.
     */
    private static final class Accepting extends ServerSocket {
        private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();

        Accepting() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            Socket client = super.accept();
            accepted.removeIf(Socket::isClosed);
            accepted.add(client);
            if (isClosed()) {
                client.close();
            }
            return client;
        }

        @Override
        public void close() throws IOException {
            super.close();
            for (Socket client : accepted) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // going away either way
                }
            }
        }
    }

    @Override
    public void close() {
        for (Forward forward : List.copyOf(forwards)) {
            forward.close();
        }
        try {
            ssh.disconnect();
        } catch (IOException ignored) {
            // the connection is going away either way
        }
    }

    /**
     * A new session; on a connection that has ended (sshj says so with an IllegalStateException), the
     * node's connection loss; when the node does not confirm the session within the connection's
     * timeout (a frozen node, or sshd stuck), the hung session it is. A node that refuses the session
     * (its sshd's MaxSessions reached by oth's other sessions on it: hardened configurations set it
     * low) is asked again, with pauses, until {@code end} (a {@link System#nanoTime()}) has passed:
     * its sessions end within their own time. While oth has no other session open on the node, a
     * refusal waits for none of them: after {@link #REFUSED_GRACE} (a close on its way) it is the
     * node's answer to every session (MaxSessions 0), said at once.
     */
    private Session startSession(Command shown, long end, Duration within) throws IOException, RemoteException {
        long pause = 20;
        long alone = -1;
        while (true) {
            try {
                Session session = ssh.startSession();
                open.incrementAndGet();
                return session;
            } catch (IllegalStateException e) {
                throw new RemoteException(name, Failure.CONNECTION_LOST, "the connection had ended before " + shown.brief() + " could start");
            } catch (OpenFailException e) {
                long now = System.nanoTime();
                alone = open.get() > 0 ? -1 : alone < 0 ? now : alone;
                if (alone >= 0 && now - alone > REFUSED_GRACE.toNanos()) {
                    throw new RemoteException(name, Failure.COMMAND_FAILED, "the node refuses every SSH session, with none of oth's open on it ("
                            + NodeText.shown(e.getMessage(), 120) + "): " + shown.brief() + "; is its sshd's MaxSessions 0 (for this user, in a Match block)?");
                }
                if (now + TimeUnit.MILLISECONDS.toNanos(pause) - end > 0) {
                    throw new RemoteException(name, Failure.COMMAND_FAILED, "the node refused every new SSH session for " + within.toSeconds() + " s ("
                            + NodeText.shown(e.getMessage(), 120) + "): " + shown.brief() + "; is its sshd's MaxSessions below what oth opens at once?");
                }
                sleep(pause);
                pause = Math.min(pause * 2, 500);
            } catch (IOException e) {
                if (Causes.include(e, TimeoutException.class)) {
                    throw new RemoteException(name, Failure.SESSION_HUNG, "no session opened within " + ssh.getConnection().getTimeoutMs() / 1000 + " s: "
                            + shown.brief());
                }
                throw e;
            }
        }
    }

    private void sleep(long millis) throws RemoteException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException(name, Failure.COMMAND_FAILED, "interrupted while waiting for a new SSH session");
        }
    }

    /**
     * {@code line} as root, in the C locale: oth reads what the node's programs say (bash's
     * "Connection refused", a tool's error), and a node set up in another language (LANG=de_DE.UTF-8
     * from /etc/default/locale or sshd's SetEnv) would say it in that one. sudo too, whose refusal
     * oth recognises by its words. Without SSH_CLIENT and SSH2_CLIENT: by them a bash, any bash the
     * command starts, knows it was run by sshd and reads ~/.bashrc, whose banner or settings would
     * then mix with what it prints (SSH_CONNECTION stays: {@link io.oth.phase.HostFacts} reads it).
     */
    private String asRoot(String line) {
        return ENV + (root ? "" : "sudo -n -- " + ENV) + line;
    }

    /** strerror(ENOSPC), as coreutils and the shell print it under LC_ALL=C. */
    private static final String NO_SPACE = "No space left on device";

    /**
     * How many times the connection's timeout a session's command may take to start, after the node
     * granted the session (its login: ~/.ssh/rc, sshrc, PAM's session modules; pam_systemd alone may
     * wait 25 s for logind): 30 s by default, where a hung login cost a command its own whole time.
     */
    private static final int START_LIMIT_FACTOR = 3;

    /** How long a session refused while none of oth's is open is asked again: a close of one of them may still be on its way. */
    private static final Duration REFUSED_GRACE = Duration.ofSeconds(2);

    private static final String ENV = "env -u SSH_CLIENT -u SSH2_CLIENT LC_ALL=C ";

    /**
     * Runs {@code line} with {@code stdin}'s parts written one after another on its stdin (none: stdin
     * closed at once). {@code timeout} bounds the whole session on this side: the node's own limit
     * (coreutils timeout in {@code line}) ends a command that runs too long, this one a session that
     * never runs it (a hung ~/.ssh/rc or PAM session module, a frozen node), which the node's limit
     * cannot reach. Such a session is given up at once, not waited for a second time. The time a
     * node takes to grant the session counts against {@code timeout} too.
     */
    private Raw exec(String line, List<byte[]> stdin, Duration timeout, Command shown) throws RemoteException {
        sessions.incrementAndGet();
        long end = System.nanoTime() + timeout.toNanos();
        Session session;
        try {
            session = startSession(shown, end, timeout);
        } catch (IOException e) {
            throw new RemoteException(name, Failure.CONNECTION_LOST, shown.brief() + ": " + e.getMessage());
        }
        AtomicReference<Session.Command> started = new AtomicReference<>();
        // Ends the readers below: sshj ends a channel's streams only when the peer closes it.
        Runnable endReaders = () -> {
            Session.Command cmd = started.get();
            if (cmd != null) {
                closeQuietly(cmd.getInputStream());
                closeQuietly(cmd.getErrorStream());
            }
        };
        Deadline deadline = Deadline.after(Duration.ofNanos(Math.max(0, end - System.nanoTime())), endReaders);
        // The command's first line, printed before it runs: until then the node's login runs (~/.ssh/rc, sshrc, PAM's session modules).
        AtomicBoolean begun = new AtomicBoolean();
        Duration startLimit = Duration.ofMillis(ssh.getConnection().getTimeoutMs()).multipliedBy(START_LIMIT_FACTOR);
        Deadline notStarted = Deadline.after(startLimit, () -> !begun.get(), endReaders);
        try {
            Session.Command cmd = session.exec("echo " + BEGIN + "; " + line);
            started.set(cmd);
            if (deadline.passed() || notStarted.passed()) {
                throw hung(deadline, notStarted, startLimit, timeout, shown);
            }
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(cmd.getErrorStream()), OwnThread.named("oth-ssh-err-" + name));
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> drain(cmd.getInputStream(), begun), OwnThread.named("oth-ssh-out-" + name));
            IOException unread = null;
            try (OutputStream in = cmd.getOutputStream()) {
                feed(cmd, in, stdin, output, end);
            } catch (IOException e) {
                // The command stopped reading (it failed: a full disk, say): its output and exit status say why.
                unread = e;
            }
            byte[] out = output.join();
            byte[] errBytes = err.join();
            if (deadline.passed() || notStarted.passed()) {
                throw hung(deadline, notStarted, startLimit, timeout, shown);
            }
            if (out.length > MAX_OUTPUT || errBytes.length > MAX_OUTPUT) {
                throw new RemoteException(name, Failure.COMMAND_FAILED, "printed more than " + MAX_OUTPUT + " bytes, more than oth reads: "
                        + shown.brief());
            }
            // The streams have ended: the exit status is on its way, or the connection is gone.
            cmd.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())), TimeUnit.MILLISECONDS);
            Integer status = cmd.getExitStatus();
            if (status == null) {
                throw new RemoteException(name, Failure.CONNECTION_LOST, "the connection ended before the command did: " + shown.brief()
                        + (unread == null ? "" : " (" + unread.getMessage() + ")"));
            }
            Raw raw = new Raw(status, afterBegin(out, status, errBytes, shown), errBytes);
            if (!root && status == 1 && raw.text(errBytes).contains("sudo: a password is required")) {
                throw new RemoteException(name, Failure.SUDO_PASSWORD, "sudo -n refused to run: " + shown.brief());
            }
            return raw;
        } catch (IOException e) {
            if (deadline.passed() || notStarted.passed()) {
                throw hung(deadline, notStarted, startLimit, timeout, shown);
            }
            throw new RemoteException(name, Failure.CONNECTION_LOST, shown.brief() + ": " + e.getMessage());
        } finally {
            deadline.close();
            notStarted.close();
            open.decrementAndGet();
            if (deadline.passed() || notStarted.passed()) {
                // A peer that no longer answers never confirms the close: not waited for here.
                Thread closer = new Thread(() -> closeQuietly(session), "oth-ssh-close-" + name);
                closer.setDaemon(true);
                closer.start();
            } else {
                closeQuietly(session);
            }
        }
    }

    /**
     * Writes {@code parts} to the command's stdin, never more at a time than the node has room for.
     * sshj's own wait for room lasts the connection's timeout even when the command has ended (a
     * full disk, say), and meanwhile holds the stream that the connection's reader must close when
     * the node closes the session: every session of the node stood still with it. So the wait for
     * room is here, and ends as soon as the command's output has ended (it is gone) or at {@code end}.
     */
    private static void feed(Session.Command cmd, OutputStream in, List<byte[]> parts, CompletableFuture<?> outputEnded, long end) throws IOException {
        for (byte[] part : parts) {
            int off = 0;
            while (off < part.length) {
                long room = cmd.getRemoteWinSize();
                if (room <= 0) {
                    if (outputEnded.isDone() || !cmd.isOpen() || System.nanoTime() - end > 0) {
                        throw new IOException("the command took " + off + " of " + part.length + " bytes of its input and no more");
                    }
                    LockSupport.parkNanos(ROOM_POLL_NANOS);
                    continue;
                }
                int n = (int) Math.min(part.length - off, room);
                in.write(part, off, n);
                in.flush();
                off += n;
            }
        }
    }

    /** How often a command's stdin looks for room while the node has none: sshd grants it in large steps, not byte by byte. */
    private static final long ROOM_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * What the command printed: what follows the line {@link #BEGIN}, the command line's own first
     * word. What comes before it is the login shell's (a banner printed from ~/.bashrc or
     * /etc/bash.bashrc, which bash reads for the commands sshd gives it): said once in the run log and
     * left out, so that it never reads as a hostname, a file's content or a fact. No such line: the
     * login shell did not run the command line at all (a ForceCommand, a shell that is not one).
     */
    private byte[] afterBegin(byte[] out, int status, byte[] err, Command shown) throws RemoteException {
        int at = indexOf(out, BEGIN_LINE, NOISE_MAX);
        if (at < 0) {
            throw new RemoteException(name, Failure.COMMAND_FAILED, "its login shell did not run the command line of " + shown.brief() + " (exit " + status
                    + ", it printed " + NodeText.shown(new String(out, 0, Math.min(out.length, 200), StandardCharsets.UTF_8)) + " and "
                    + NodeText.shown(new String(err, 0, Math.min(err.length, 200), StandardCharsets.UTF_8))
                    + "): is the user's shell a POSIX shell, and does sshd force no command on it?");
        }
        if (at > 0 && noiseSaid.compareAndSet(false, true)) {
            debugLog.debug("[" + name + "] the login shell prints before each command, which oth leaves out: "
                    + NodeText.shown(new String(out, 0, at, StandardCharsets.UTF_8), 160) + " (from ~/.bashrc or /etc/bash.bashrc?)");
        }
        return java.util.Arrays.copyOfRange(out, at + BEGIN_LINE.length, out.length);
    }

    /** Where {@code line} starts in the first {@code within} bytes of {@code bytes}, at the start of a line; -1 if not there. */
    static int indexOf(byte[] bytes, byte[] line, int within) {
        int last = Math.min(bytes.length, within) - line.length;
        for (int i = 0; i <= last; i++) {
            if ((i == 0 || bytes[i - 1] == '\n') && java.util.Arrays.equals(bytes, i, i + line.length, line, 0, line.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The session's command did not start within {@code startLimit}, or the session ran past {@code timeout}: which one, said. */
    private RemoteException hung(Deadline deadline, Deadline notStarted, Duration startLimit, Duration timeout, Command shown) {
        if (notStarted.passed() && !deadline.passed()) {
            return new RemoteException(name, Failure.SESSION_HUNG, "its command had not started after " + startLimit.toSeconds() + " s (the node's login was"
                    + " still running: ~/.ssh/rc, /etc/ssh/sshrc, PAM's session modules): " + shown.brief());
        }
        return sessionHung(timeout, shown);
    }

    /** The session ran past {@code timeout} on this side: the node did not end it. */
    private RemoteException sessionHung(Duration timeout, Command shown) {
        return new RemoteException(name, Failure.SESSION_HUNG, "no answer within " + timeout.toSeconds() + " s: "
                + shown.brief());
    }

    private static void closeQuietly(Session session) {
        try {
            session.close();
        } catch (IOException ignored) {
            // the session is going away either way
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /**
     * What a command printed, at most {@link #MAX_OUTPUT} bytes and one more to show it went past:
     * a node, compromised or broken, cannot fill this side's memory. The rest is read and dropped,
     * so that the command still ends.
     */
    /**
     * {@link #drain} that sets {@code begun} once the line {@link #BEGIN} has come (the command has
     * started), or more than a login shell may print before it ({@link #NOISE_MAX}), or the end.
     */
    private static byte[] drain(InputStream in, AtomicBoolean begun) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while (!begun.get() && buffer.size() <= NOISE_MAX && (n = in.read(chunk)) >= 0) {
                buffer.write(chunk, 0, n);
                if (indexOf(buffer.toByteArray(), BEGIN_LINE, NOISE_MAX + BEGIN_LINE.length) >= 0) {
                    begun.set(true);
                }
            }
            begun.set(true); // or a login shell that printed more than a banner, or a stream that ended: no login that hangs
            buffer.write(in.readNBytes(Math.max(0, MAX_OUTPUT + 1 - buffer.size())));
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // a closed session ends the stream; the caller decides from the exit status
        }
        return buffer.toByteArray();
    }

    private static byte[] drain(InputStream in) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            buffer.write(in.readNBytes(MAX_OUTPUT + 1));
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // a closed session ends the stream; the caller decides from the exit status
        }
        return buffer.toByteArray();
    }

    private record Raw(int exitCode, byte[] out, byte[] err) {
        String text(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
