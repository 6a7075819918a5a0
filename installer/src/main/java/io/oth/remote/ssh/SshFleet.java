package io.oth.remote.ssh;

import io.oth.concurrent.Deadline;
import io.oth.concurrent.Parallel;
import io.oth.remote.Causes;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;
import io.oth.remote.TracedHost;
import io.oth.runlog.DebugLog;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Site;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.ErrorNotifiable;
import net.schmizz.sshj.common.SSHException;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The site's nodes reached over SSH: one connection to each jump host on the way (the bastion, and
 * the hosts before it), each tunnelled through the one before ({@code newDirectConnection} +
 * {@code connectVia}) and each checked against known_hosts, then one connection per node tunnelled
 * through the last, opened in parallel.
 */
public final class SshFleet implements Fleet {
    static {
        useJdkProviders();
    }

    /**
     * sshj would register Bouncy Castle (it is on oth's class path) and ask it for every cipher,
     * MAC, key agreement and key. The JDK's own providers have all that SSH needs (AES-GCM/CTR
     * with the CPU's AES instructions, ChaCha20, X25519, ECDH, Ed25519, RSA) and parse a known_hosts
     * RSA key without Bouncy Castle's primality test of its modulus. The one name only Bouncy Castle
     * has, the "ECDSA" KeyFactory sshj asks for (the JDK calls it "EC"), is the JDK's under that
     * name ({@link SshJcaNames}); no Bouncy Castle provider is made for SSH.
     */
    static void useJdkProviders() {
        if (Security.getProvider(SshJcaNames.NAME) == null) {
            Security.addProvider(new SshJcaNames());
        }
        SecurityUtils.setSecurityProvider(null);
        SecurityUtils.setRegisterBouncyCastle(false);
    }

    private static final DefaultConfig CONFIG = new SshAlgorithms();

    /**
     * One known_hosts line of each kind of host key, parsed while the command starts ({@link #warmUp}).
     * The first key of each kind a JVM decodes costs the set-up of its algorithm, several
     * milliseconds each; the site's known_hosts is read right before the
     * first connection, so that would wait. Keys made for this alone and used for nothing else.
     */
    static final String KEY_SAMPLES = "warm-up.invalid ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHKN8L5X/GksaKBvWZ3ybWmi52y/HG0sPwo7hYUi6DPK87RQnfhsFea8cOurLoiRQzoltt9T8hgt8owyfTZjk3g=\n"
            + "warm-up.invalid ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKAYd/TwBe5PiUBkvC1oF9FMBQzSn/xq784dsqvFwzWF\n"
            + "warm-up.invalid ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDmU3RWrvNSwLXD4k5XfHoYdYp0PupPU0Fya25Hc2fnt+qCpYbWQyERCUCpxyc5FaQ20ffAPZ7xFNB7o/WyjLseOkxn2XYfKXwF0T1POYyAwdt60xuclmPtYGhj0HHO0sndDRpEWNzQL1NaSiDjMKMkq/mNvD69xtYdEYw6VHpO2Yl4ISRRm2vkhLoDTaXrkU47W4PxqOK6yA2Gj8cis5nmZgWeyMg69qbyvjB+auQUdVT/sdNNSPAjtizQFj2wzfcDoqwq7KhK05rzuhMAtRivNaJMWOB71pbn/Fi404osoBWQq0XUHfCP5CUWd/gvzcl6RvXTRXwK4AvwzzlD9IJX\n";

    /** The entries of {@link #KEY_SAMPLES}: one per kind of key, or fewer if one did not decode. */
    static int warmKeyDecoding() {
        try {
            return new OpenSSHKnownHosts(new java.io.StringReader(KEY_SAMPLES), net.schmizz.sshj.common.LoggerFactory.DEFAULT).entries().size();
        } catch (IOException e) {
            return 0;
        }
    }

    static {
        warmKeyDecoding();
    }

    /**
     * Does nothing itself: calling it initialises this class (sshj's algorithms ({@link SshAlgorithms}), and a host key of each kind decoded once), a tenth
     * of a second or more. A command about to connect has it done on another thread while it reads
     * its own inputs.
     */
    public static void warmUp() {
        // the class's static initialisation is the work
    }
    /**
     * A connection whose peer stops answering (a node cut off, a bastion gone) is given up after
     * {@value #KEEP_ALIVE_SECONDS} s × {@value #KEEP_ALIVE_MISSES} unanswered keep-alives, like
     * OpenSSH's ServerAliveInterval/ServerAliveCountMax: its commands fail as a lost connection
     * instead of waiting on TCP for a quarter of an hour.
     */
    static final int KEEP_ALIVE_SECONDS = 5;
    static final int KEEP_ALIVE_MISSES = 4;
    /** How many large uploads go through the bastion at once ({@link TransferGate}). */
    static final int UPLOADS_AT_ONCE = 2;

    /** Every jump host's connection, in the order they were opened: closed in reverse. */
    private final List<SSHClient> jumps;
    private final List<Reach> reaches;
    /** The same, each node's commands traced as the options say: what the fleet hands out. */
    private final List<Reach> traced;
    private final AtomicInteger sessions;
    private final Routes routes;

    private SshFleet(List<SSHClient> jumps, List<Reach> reaches, AtomicInteger sessions, DebugLog debugLog, Routes routes) {
        this.routes = routes;
        this.jumps = List.copyOf(jumps);
        this.reaches = List.copyOf(reaches);
        this.traced = reaches.stream().map(r -> r.host().isEmpty() ? r : Reach.reached(r.node(), TracedHost.of(r.host().get(), debugLog), r.latency()))
                .toList();
        this.sessions = sessions;
    }

    /**
     * Connects to the jump hosts and the bastion (failing as a whole when one cannot be used), then
     * to every node in {@code nodes}; a node that fails is reported in its {@link Reach}, the others go on.
     */
    public static SshFleet connect(Site site, List<Node> nodes, ConnectOptions options) throws RemoteException {
        Keys keys = new Keys(options);
        KnownHosts known = KnownHosts.read(options.knownHosts());
        Routes routes = new Routes(site, options.keySources().sshConfig(), Path.of(System.getProperty("user.home")));
        List<SSHClient> opened = new ArrayList<>();
        Map<List<Hop>, SSHClient> chains = new HashMap<>();
        Map<Node, SSHClient> via = new HashMap<>();
        try {
            List<Hop> toBastion = routes.toBastion();
            if (!toBastion.isEmpty()) {
                chains.put(toBastion, openChain(toBastion, options, keys, known, opened));
            }
            for (Node node : nodes) {
                List<Hop> jumps = routes.jumpsTo(node);
                if (!jumps.isEmpty()) {
                    if (!chains.containsKey(jumps)) {
                        chains.put(jumps, openChain(jumps, options, keys, known, opened));
                    }
                    via.put(node, chains.get(jumps));
                }
            }
        } catch (RemoteException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
        AtomicInteger sessions = new AtomicInteger();
        TransferGate transfers = new TransferGate(UPLOADS_AT_ONCE);
        return new SshFleet(opened, Parallel.map(nodes, options.concurrency(),
                node -> reach(node, routes.node(node), via.get(node), options, keys, known, sessions, transfers)), sessions, options.debugLog(), routes);
    }

    /** Opens each hop through the one before it; the last one's connection is the way on. */
    private static SSHClient openChain(List<Hop> hops, ConnectOptions options, Keys keys, KnownHosts known, List<SSHClient> opened)
            throws RemoteException {
        SSHClient via = null;
        Hop before = null;
        for (Hop hop : hops) {
            via = open(hop, options, keys, known, via, before, true);
            opened.add(via);
            before = hop;
        }
        return via;
    }

    /** One node on its own connection (through the bastion): for a step that must prove a fresh login works, or needs one node only. */
    public static HostConnection connectOne(Site site, Node node, ConnectOptions options) throws RemoteException {
        SshFleet single = connect(site, List.of(node), options);
        Reach reach = single.reaches().get(0);
        if (reach.failure().isPresent()) {
            single.close();
            throw reach.failure().get();
        }
        Host host = reach.host().orElseThrow();
        return HostConnection.of(host, single::close);
    }

    @Override
    public List<Reach> reaches() {
        return traced;
    }

    @Override
    public void close() {
        for (Reach reach : reaches) {
            reach.host().ifPresent(h -> ((SshHost) h).close());
        }
        closeAll(jumps);
    }

    /** Closes {@code clients} last first: a jump host's connection carries those opened after it. */
    private static void closeAll(List<SSHClient> clients) {
        for (int i = clients.size() - 1; i >= 0; i--) {
            closeQuietly(clients.get(i));
        }
    }

    @Override
    public int sshPort(Node node) {
        return routes.node(node).port();
    }

    @Override
    public boolean isBastion(Node node) {
        return routes.isBastion(node);
    }

    @Override
    public int sessionsOpened() {
        return sessions.get();
    }

    @Override
    public int connectionsOpened() {
        return reaches.size() + jumps.size();
    }

    private static Reach reach(Node node, Hop hop, SSHClient via, ConnectOptions options, Keys keys, KnownHosts known, AtomicInteger sessions,
                               TransferGate transfers) {
        long start = System.nanoTime();
        try {
            SSHClient ssh = open(hop, options, keys, known, via, null, false);
            return Reach.reached(node, new SshHost(node.name(), ssh, hop.isRoot(), sessions, transfers, options.debugLog()), since(start));
        } catch (RemoteException e) {
            return Reach.failed(node, e, since(start));
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Connects and authenticates one hop; {@code via} null means a direct TCP connection, else
     * {@code before} is the jump host it goes through. {@code isJump}: a jump host (the bastion, or
     * one before it), whose failure stops the whole fleet.
     */
    private static SSHClient open(Hop to, ConnectOptions options, Keys keys, KnownHosts known,
                                  SSHClient via, Hop before, boolean isJump) throws RemoteException {
        String label = to.label();
        SSHClient ssh = new SSHClient(CONFIG);
        int timeoutMs = (int) options.timeout().toMillis();
        ssh.setConnectTimeout(timeoutMs);
        ssh.setTimeout(timeoutMs);
        ssh.getTransport().setTimeoutMs(timeoutMs);
        ssh.getConnection().setTimeoutMs(timeoutMs);
        KeepAlive keepAlive = ssh.getConnection().getKeepAlive();
        keepAlive.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        if (keepAlive instanceof KeepAliveRunner runner) {
            runner.setMaxAliveCount(KEEP_ALIVE_MISSES);
        }
        if (known.unreadable() != null) {
            throw new RemoteException(label, Failure.HOST_KEY_UNKNOWN, "cannot read " + known.file() + ": " + known.unreadable().getMessage());
        }
        KnownHostsVerifier verifier = KnownHostsVerifier.of(known.file().toFile(), known.entries(), label, options.trust());
        ssh.addHostKeyVerifier(verifier);
        long start = System.nanoTime();
        Deadline silent = null;
        try {
            if (via == null) {
                ssh.connect(to.address(), to.port());
            } else {
                Tunnel tunnel = new Tunnel(via, to.address(), to.port());
                tunnel.open();
                // Through a channel, sshj waits for the hop's identification line without a timeout (on a
                // socket, the socket's own bounds it): an sshd that takes the connection and never speaks
                // (hung, or something else on its port) would hold the run for ever. Once the timeout has
                // passed with nothing heard from the hop, the channel's input ends in an error.
                silent = Deadline.after(options.timeout(), () -> !tunnel.heard(),
                        () -> tunnel.endInput(new SSHException("no SSH identification within " + timeoutMs + " ms")));
                try (Deadline deadline = silent) {
                    ssh.connectVia(tunnel, to.address(), to.port());
                }
            }
        } catch (IOException e) {
            closeQuietly(ssh);
            if (verifier.refusal() != null) {
                throw verifier.refusal();
            }
            // Through a channel, the deadline above; on a socket, its read timeout after the connection was taken.
            if (silent != null && silent.passed() || via == null && Causes.include(e, SocketTimeoutException.class) && !(e instanceof SocketTimeoutException)) {
                throw new RemoteException(label, isJump ? Failure.BASTION_SILENT : Failure.NODE_SILENT,
                        Addresses.hostPort(to.address(), to.port()) + ": no SSH identification within " + options.timeout().toSeconds() + " s");
            }
            throw classifyConnect(to, before, e, isJump);
        }
        long connected = System.nanoTime();
        Login login;
        try {
            login = keys.login(to);
        } catch (RemoteException e) {
            closeQuietly(ssh);
            throw e;
        }
        try {
            ssh.auth(to.user(), login.methods());
        } catch (UserAuthException e) {
            closeQuietly(ssh);
            // An sshd that never answers the login (an AuthorizedKeysCommand, PAM or directory lookup
            // that hangs) did not refuse it: said as silence, not as a key to check.
            if (Causes.include(e, TimeoutException.class)) {
                throw new RemoteException(label, isJump ? Failure.BASTION_SILENT : Failure.NODE_SILENT, to.user() + " with " + login
                        + ": no answer to the login within " + options.timeout().toSeconds() + " s (an AuthorizedKeysCommand, PAM or directory lookup that hangs?)");
            }
            throw new RemoteException(label, isJump ? Failure.BASTION_AUTH : Failure.NODE_AUTH, to.user() + " with " + login + " was not accepted");
        } catch (TransportException e) {
            closeQuietly(ssh);
            throw new RemoteException(label, Failure.CONNECTION_LOST, "during authentication: " + e.getMessage());
        }
        options.debugLog().debug("[" + label + "] SSH connected: handshake and host key in "
                + (connected - start) / 1_000_000 + " ms, login in " + (System.nanoTime() - connected) / 1_000_000 + " ms", "");
        return ssh;
    }

    /**
     * The channel of the connection before it (the bastion's) that a hop's own connection runs in.
     * sshj ends a connection by closing its stream from the channel, which marks the channel's
     * input ended; bytes the node had already sent (a command's output streaming, a forward's data)
     * then arrive for a channel whose input has ended, and sshj takes down the whole connection they
     * came in on, the bastion's, and every other node's with it. Here that close lets the stream be:
     * what still arrives waits in the channel until the bastion's side closes it, or the bastion's
     * connection closes, as it does at the end of a run.
     */
    private static final class Tunnel extends DirectConnection {
        /** Whether the hop has sent anything yet: its identification line comes first. */
        private volatile boolean heard;

        Tunnel(SSHClient via, String address, int port) {
            super(via.getConnection(), address, port);
        }

        boolean heard() {
            return heard;
        }

        /** Ends what the hop's connection reads from this channel with {@code error}: a reader waiting there throws it. */
        void endInput(SSHException error) {
            ((ErrorNotifiable) super.getInputStream()).notifyError(error);
        }

        @Override
        public InputStream getInputStream() {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    heard |= b >= 0;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    heard |= n > 0;
                    return n;
                }

                @Override
                public void close() {
                    // see above: the node's connection ends without ending the channel's input
                }
            };
        }
    }

    private static RemoteException classifyConnect(Hop to, Hop before, IOException e, boolean isJump) {
        String label = to.label();
        String where = Addresses.hostPort(to.address(), to.port());
        String message = String.valueOf(e.getMessage());
        if (e instanceof OpenFailException open && isJump) {
            String why = open.getMessage() == null ? "" : open.getMessage();
            Failure failure = open.getReason() == OpenFailException.Reason.ADMINISTRATIVELY_PROHIBITED ? Failure.BASTION_FORWARDING_REFUSED
                    : why.contains("refused") ? Failure.BASTION_REFUSED
                    : why.contains("timed out") ? Failure.BASTION_TIMEOUT : Failure.BASTION_UNREACHABLE;
            return new RemoteException(label, failure, where + " (" + before.label() + " says: " + why + ")");
        }
        if (e instanceof OpenFailException open) {
            String why = open.getMessage() == null ? "" : open.getMessage();
            Failure failure = open.getReason() == OpenFailException.Reason.ADMINISTRATIVELY_PROHIBITED ? Failure.BASTION_FORWARDING_REFUSED
                    : why.contains("refused") ? Failure.NODE_REFUSED
                    : why.contains("timed out") ? Failure.NODE_TIMEOUT : Failure.NODE_UNREACHABLE;
            return new RemoteException(label, failure, where + " (bastion says: " + why + ")");
        }
        if (!isJump) {
            Failure failure = e instanceof SocketTimeoutException || message.contains("imeout") ? Failure.NODE_TIMEOUT
                    : message.contains("refused") ? Failure.NODE_REFUSED : Failure.NODE_UNREACHABLE;
            return new RemoteException(label, failure, where + ": " + message);
        }
        if (e instanceof SocketTimeoutException) {
            return new RemoteException(label, Failure.BASTION_TIMEOUT, where);
        }
        if (e instanceof ConnectException && message.contains("refused")) {
            return new RemoteException(label, Failure.BASTION_REFUSED, where);
        }
        if (e instanceof UnknownHostException) {
            return new RemoteException(label, Failure.BASTION_UNREACHABLE, "cannot resolve " + to.address());
        }
        if (e instanceof NoRouteToHostException || e instanceof ConnectException) {
            return new RemoteException(label, Failure.BASTION_UNREACHABLE, where + ": " + message);
        }
        return new RemoteException(label, Failure.CONNECTION_LOST, where + ": " + message);
    }

    private static void closeQuietly(SSHClient ssh) {
        try {
            ssh.disconnect();
        } catch (IOException ignored) {
            // nothing to clean up beyond this
        }
    }

    /** The known_hosts file, parsed once for all the fleet's connections; a file that cannot be read fails each of them. */
    private record KnownHosts(Path file, List<OpenSSHKnownHosts.KnownHostEntry> entries, IOException unreadable) {
        static KnownHosts read(Path file) {
            try {
                return new KnownHosts(file, KnownHostsVerifier.parse(file.toFile()), null);
            } catch (IOException e) {
                return new KnownHosts(file, List.of(), e);
            }
        }
    }

    /** The methods one login tries, and how a message names them. */
    private record Login(List<AuthMethod> methods, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** Private keys, each loaded once and shared by every connection that uses it, and ssh-agent's keys. */
    private static final class Keys {
        private final ConnectOptions options;
        private final Map<Path, KeyProvider> loaded = new ConcurrentHashMap<>();
        private final SSHClient loader = new SSHClient(CONFIG);
        private final Optional<SshAgent> agent;

        Keys(ConnectOptions options) {
            this.options = options;
            this.agent = SshAgent.at(options.keySources().agent());
        }

        /**
         * How to log in to {@code hop}: ssh-agent's keys first (with IdentitiesOnly, only those of
         * the hop's key files), then the key files; as OpenSSH offers them. A key file that cannot be
         * loaded fails the login only when nothing else is left to try.
         */
        Login login(Hop hop) throws RemoteException {
            List<KeyProvider> files = new ArrayList<>();
            RemoteException unusable = null;
            for (Path key : hop.keys()) {
                try {
                    files.add(load(hop.label(), key));
                } catch (RemoteException e) {
                    unusable = unusable == null ? e : unusable;
                }
            }
            boolean onlyThese = hop.identitiesOnly() && !hop.keys().isEmpty();
            Set<String> these = new HashSet<>();
            if (onlyThese) {
                files.forEach(f -> publicBlob(f).ifPresent(these::add));
                hop.keys().forEach(k -> publicFile(k).ifPresent(these::add));
            }
            List<AuthMethod> methods = new ArrayList<>(agent.map(a -> a.authMethods(
                    blob -> !onlyThese || these.contains(Base64.getEncoder().encodeToString(blob)))).orElse(List.of()));
            int agentKeys = methods.size();
            files.forEach(f -> methods.add(new AuthPublickey(f)));
            if (methods.isEmpty()) {
                if (unusable != null) {
                    throw unusable;
                }
                throw new RemoteException(hop.label(), Failure.KEY_FILE, "no key to log in to " + hop.name() + " with: the site file names none, "
                        + "ssh_config (" + options.keySources().sshConfig().name() + ") gives no IdentityFile that exists, and ssh-agent "
                        + (agent.isPresent() ? "holds no key" + (hop.identitiesOnly() ? " of these files (IdentitiesOnly)" : "")
                        : "is not running (" + options.keySources().agentState() + ")"));
            }
            String described = (hop.keys().isEmpty() ? "" : "key " + String.join(", ", hop.keys().stream().map(Path::toString).toList()))
                    + (agentKeys == 0 ? "" : (hop.keys().isEmpty() ? "" : " and ") + agentKeys + " ssh-agent key(s)");
            return new Login(methods, described);
        }

        KeyProvider load(String label, Path path) throws RemoteException {
            try {
                return loaded.computeIfAbsent(path, p -> {
                    try {
                        KeyProvider provider = loader.loadKeys(p.toString(), passwordFinder());
                        provider.getPrivate();
                        return provider;
                    } catch (IOException e) {
                        throw new KeyLoadError(e);
                    }
                });
            } catch (KeyLoadError e) {
                throw new RemoteException(label, Failure.KEY_FILE, path + ": " + e.getCause().getMessage());
            }
        }

        private static Optional<String> publicBlob(KeyProvider key) {
            try {
                return Optional.of(Base64.getEncoder().encodeToString(new Buffer.PlainBuffer().putPublicKey(key.getPublic()).getCompactData()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** The key blob of {@code key}.pub, the public half OpenSSH keeps beside a private key. */
        private static Optional<String> publicFile(Path key) {
            try {
                String[] fields = Files.readString(Path.of(key + ".pub")).strip().split("\\s+");
                return fields.length >= 2 ? Optional.of(fields[1]) : Optional.empty();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        private PasswordFinder passwordFinder() {
            return new PasswordFinder() {
                @Override
                public char[] reqPassword(Resource<?> resource) {
                    return options.passphrase().get();
                }

                @Override
                public boolean shouldRetry(Resource<?> resource) {
                    return false;
                }
            };
        }
    }

    private static final class KeyLoadError extends RuntimeException {
        KeyLoadError(IOException cause) {
            super(cause);
        }
    }
}
