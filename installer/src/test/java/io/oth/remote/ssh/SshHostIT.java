package io.oth.remote.ssh;

import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Failure;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.remote.Upload;
import io.oth.secret.Secret;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remote API on a real node behind the real bastion: run, upload, read, forward. */
@ExtendWith(LabExtension.class)
class SshHostIT {
    private static SshFleet fleet;
    private static Host app1;

    @BeforeAll
    static void connect(Lab lab) throws Exception {
        Site site = SiteLoader.load(lab.site());
        ConnectOptions options = new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0]);
        fleet = SshFleet.connect(site, List.of(site.node("app1").orElseThrow()), options);
        app1 = fleet.reaches().get(0).host().orElseThrow();
    }

    @AfterAll
    static void close() {
        fleet.close();
    }

    @Test
    void theBastionNegotiatesChaCha20Poly1305AndCurve25519WithOthsAlgorithms(Lab lab) throws Exception {
        // What oth offers (SshAlgorithms) against the lab's OpenSSH: its first choices, each of them
        // made without a Bouncy Castle provider (SshJcaNames). The host key is checked as always.
        List<net.schmizz.sshj.transport.NegotiatedAlgorithms> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (net.schmizz.sshj.SSHClient ssh = new net.schmizz.sshj.SSHClient(new SshAlgorithms())) {
            ssh.loadKnownHosts(lab.knownHosts().toFile());
            ssh.addAlgorithmsVerifier(negotiated -> seen.add(negotiated));
            ssh.setConnectTimeout(10_000);
            ssh.connect("203.0.113.10", 22);
            assertTrue(ssh.isConnected());
        }
        assertEquals(1, seen.size());
        assertEquals("curve25519-sha256", seen.get(0).getKeyExchangeAlgorithm());
        assertEquals("chacha20-poly1305@openssh.com", seen.get(0).getClient2ServerCipherAlgorithm());
        assertEquals("chacha20-poly1305@openssh.com", seen.get(0).getServer2ClientCipherAlgorithm());
        assertEquals(null, java.security.Security.getProvider("BC"));
    }

    @Test
    void commandsReturnExitCodeAndBothStreams() throws Exception {
        CommandResult r = app1.run(Command.shell("echo out; echo err >&2; exit 7"), Duration.ofSeconds(10));
        assertEquals(new CommandResult(7, "out\n", "err\n"), r);
        assertEquals("it's \"quoted\" $HOME\n", app1.run(Command.of("printf", "%s\\n", "it's \"quoted\" $HOME"), Duration.ofSeconds(10)).stdout());
    }

    @Test
    void aSlowCommandTimesOut() {
        RemoteException e = assertThrows(RemoteException.class, () -> app1.run(Command.of("sleep", "30"), Duration.ofSeconds(1)));
        assertEquals(Failure.COMMAND_TIMEOUT, e.failure());
        assertTrue(e.getMessage().startsWith("app1: command timed out"), e.getMessage());
    }

    @Test
    void aSessionThatHangsBeforeItsCommandRunsIsGivenUpAtItsDeadlineAndNamedShortly(Lab lab) throws Exception {
        // sshd runs ~/.ssh/rc before every session's command: one that never ends hangs each session
        // after the login, where the node's own time limit (coreutils timeout) never starts.
        lab.exec("app1", "sh", "-c", "echo 'sleep 40' > /root/.ssh/rc");
        try {
            long start = System.nanoTime();
            RemoteException e = assertThrows(RemoteException.class, () -> app1.run(Command.shell("echo never\necho seen"), Duration.ofSeconds(1)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Failure.SESSION_HUNG, e.failure());
            assertEquals("app1: its SSH session hung: no answer within 11 s: a 2-line shell script (echo never)", e.getMessage());
            // Given up at the deadline (the node's limit and 10 s), not waited for a second time.
            assertTrue(took.compareTo(Duration.ofSeconds(14)) < 0, "took " + took);
        } finally {
            lab.exec("app1", "rm", "-f", "/root/.ssh/rc");
        }
        assertEquals("ok\n", app1.run(Command.of("echo", "ok"), Duration.ofSeconds(10)).stdout(), "the connection serves the next command");
    }

    @Test
    void aSessionWhoseLoginHangsIsNamedAfterThreeTimesTheConnectionTimeoutNotTheCommandsTime(Lab lab) throws Throwable {
        // A hung login (an LDAP or logind wait in PAM's session modules, a ~/.ssh/rc) before a command of a long time (install's facts: 90 s,
        // 101 s with its margin before 2026-12-07): named once the command has not started after three connection timeouts.
        lab.exec("app1", "sh", "-c", "echo 'sleep 40' > /root/.ssh/rc");
        try (SshFleet quick = SshFleet.connect(SiteLoader.load(lab.site()), List.of(SiteLoader.load(lab.site()).node("app1").orElseThrow()),
                new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(2), 4, HostKeyTrust.REFUSE, () -> new char[0]))) {
            Host host = quick.reaches().get(0).host().orElseThrow();
            long start = System.nanoTime();
            RemoteException e = assertThrows(RemoteException.class, () -> host.run(Command.of("echo", "never"), Duration.ofSeconds(60)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Failure.SESSION_HUNG, e.failure());
            assertEquals("app1: its SSH session hung: its command had not started after 6 s (the node's login was still running: ~/.ssh/rc, /etc/ssh/sshrc,"
                    + " PAM's session modules): echo never", e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(9)) < 0, "took " + took);
            lab.exec("app1", "rm", "-f", "/root/.ssh/rc");
            assertEquals("slow\n", host.run(Command.shell("sleep 7; echo slow"), Duration.ofSeconds(20)).stdout(),
                    "a command that runs longer than that once it has started is no hung login");
        } finally {
            lab.exec("app1", "rm", "-f", "/root/.ssh/rc");
        }
    }

    @Test
    void aNodeFrozenAfterTheLoginIsGivenUpWithinTheConnectionTimeout(Lab lab) throws Exception {
        // Every sshd of the node stopped: the connection stands, and the node confirms no new session.
        lab.exec("app1", "pkill", "-STOP", "-x", "sshd");
        try {
            long start = System.nanoTime();
            RemoteException e = assertThrows(RemoteException.class, () -> app1.run(Command.of("echo", "never"), Duration.ofSeconds(1)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Failure.SESSION_HUNG, e.failure());
            assertEquals("app1: its SSH session hung: no session opened within 10 s: echo never", e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(13)) < 0, "took " + took);
        } finally {
            lab.exec("app1", "pkill", "-CONT", "-x", "sshd");
        }
        assertEquals("ok\n", app1.run(Command.of("echo", "ok"), Duration.ofSeconds(10)).stdout(), "the connection serves the next command");
    }

    /** Runs {@code body} with app1's sshd set to {@code MaxSessions max}, on a connection of its own made after the change. */
    private static void withMaxSessions(Lab lab, int max, ThrowingConsumer<Host> body) throws Throwable {
        String conf = "/etc/ssh/sshd_config.d/00-oth-lab.conf";
        String reload = "kill -HUP $(cat /run/sshd.pid) && sleep 0.5";
        lab.exec("app1", "sh", "-c", "cp -p " + conf + " " + conf + ".sshhostit && sed -i 's/^MaxSessions .*/MaxSessions " + max + "/' " + conf + " && " + reload);
        try (SshFleet one = SshFleet.connect(SiteLoader.load(lab.site()), List.of(SiteLoader.load(lab.site()).node("app1").orElseThrow()),
                new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0]))) {
            body.accept(one.reaches().get(0).host().orElseThrow());
        } finally {
            lab.exec("app1", "sh", "-c", "mv -f " + conf + ".sshhostit " + conf + " && " + reload);
        }
    }

    @Test
    void aNodeThatAllowsOneSessionAtATimeRunsCommandsSideBySideInTurn(Lab lab) throws Throwable {
        // MaxSessions 1 (hardened sshd configurations set it low): a second session while one is open
        // is refused ("open failed"), and is asked again until the first has ended.
        withMaxSessions(lab, 1, host -> {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<CommandResult>> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    runs.add(pool.submit(() -> host.run(Command.shell("sleep 0.5; echo " + n), Duration.ofSeconds(10))));
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(i + "\n", runs.get(i).get(30, TimeUnit.SECONDS).stdout());
                }
            } finally {
                pool.shutdownNow();
            }
        });
    }

    @Test
    void aNodeThatRefusesEverySessionIsSaidToAtOnceNotAfterTheCommandsTime(Lab lab) throws Throwable {
        // MaxSessions 0: no session of oth's is open to wait for; before 2026-12-07 each command asked again for its whole time (100 s for install's first)
        withMaxSessions(lab, 0, host -> {
            long start = System.nanoTime();
            RemoteException e = assertThrows(RemoteException.class, () -> host.run(Command.of("echo", "ok"), Duration.ofSeconds(60)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("the node refuses every SSH session, with none of oth's open on it (") && e.getMessage().contains(
                    "is its sshd's MaxSessions 0 (for this user, in a Match block)?"), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        });
    }

    /** A consumer that may throw, for {@link #withMaxSessions}. */
    private interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void aCommandWithASecretIsNotSentAsTheExecLine() throws Exception {
        CommandResult r = app1.run(Command.of("sh", "-c", "tr '\\0' ' ' < /proc/$PPID/cmdline; echo; echo \"$0\"", Secret.of("hunter2-lab")),
                Duration.ofSeconds(10));
        assertEquals("sh -s \nhunter2-lab\n", r.stdout(), "the shell sshd started was only 'sh -s'");
    }

    @Test
    void uploadsLandAtomicallyWithOwnerAndModeAndReadBack() throws Exception {
        byte[] content = "secret content\n".getBytes(StandardCharsets.UTF_8);
        app1.upload(content, "/etc/oth-test/dir/file.conf", "root:root", "0600");
        assertArrayEquals(content, app1.read("/etc/oth-test/dir/file.conf").orElseThrow());
        assertEquals("root:root 600", app1.run(Command.of("stat", "-c", "%U:%G %a", "/etc/oth-test/dir/file.conf"), Duration.ofSeconds(5)).stdout().strip());
        assertEquals("", app1.run(Command.shell("ls /etc/oth-test/dir | grep oth- || true"), Duration.ofSeconds(5)).stdout(), "no temp file left");
        assertTrue(app1.read("/etc/oth-test/none").isEmpty());
    }

    @Test
    void aFileThatFailsItsCheckIsNotInstalled() throws Exception {
        app1.upload("old\n".getBytes(StandardCharsets.UTF_8), "/etc/oth-test/checked", "root:root", "0644");
        RemoteException e = assertThrows(RemoteException.class, () -> app1.upload("new\n".getBytes(StandardCharsets.UTF_8), "/etc/oth-test/checked",
                "root:root", "0644", "grep -q good \"$1\" || { echo 'no good line in the file'; exit 1; }"));
        assertEquals(Failure.CHECK_FAILED, e.failure());
        assertTrue(e.getMessage().contains("no good line in the file"), e.getMessage());
        assertEquals("old\n", new String(app1.read("/etc/oth-test/checked").orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void anUploadToAFullFileSystemSaysSoAndReplacesNothing(Lab lab) throws Exception {
        String dir = "/mnt/oth-test-full";
        lab.exec("app1", "sh", "-c", "mkdir -p " + dir + " && mount -t tmpfs -o size=64k oth-test-full " + dir + " && printf 'old\\n' > " + dir + "/file");
        try {
            byte[] big = new byte[16 << 20]; // past what sshd takes in before the command reads it (its 2 MiB window)
            new java.util.Random(7).nextBytes(big);
            long start = System.nanoTime();
            RemoteException e = assertThrows(RemoteException.class, () -> app1.upload(big, dir + "/file", "root:root", "0644"));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Not a wait for room the node will never give until the connection's 10 s timeout (sshj's own wait, which also stalled the connection).
            assertTrue(took < 5000, "the upload ended " + took + " ms after it started");
            assertEquals(Failure.DISK_FULL, e.failure(), e.getMessage());
            assertEquals("app1: no room left on the node's disk: upload to " + dir + "/file failed: No space left on device for its 16 MiB there",
                    e.getMessage());
            assertEquals("old\n", lab.exec("app1", "cat", dir + "/file"));
            assertEquals("file\n", lab.exec("app1", "ls", "-A", dir), "no temporary file left");
        } finally {
            lab.exec("app1", "sh", "-c", "umount " + dir + " && rmdir " + dir);
        }
        assertEquals("ok\n", app1.run(Command.of("echo", "ok"), Duration.ofSeconds(10)).stdout(), "the connection serves the next command");
    }

    /** A phase's files in one session: all land in order, and a refused check names its file and counts those that landed. */
    @Test
    void severalFilesGoInOneSession() throws Exception {
        byte[] a = "a\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[200_000];
        new java.util.Random(7).nextBytes(b);
        app1.upload(List.of(new Upload(a, "/etc/oth-test/many/a", "root:root", "0644", null),
                new Upload(b, "/etc/oth-test/other/b", "root:root", "0600", "test -s \"$1\"")));
        assertArrayEquals(a, app1.read("/etc/oth-test/many/a").orElseThrow());
        assertArrayEquals(b, app1.read("/etc/oth-test/other/b").orElseThrow());
        assertEquals("600", app1.run(Command.of("stat", "-c", "%a", "/etc/oth-test/other/b"), Duration.ofSeconds(5)).stdout().strip());

        Upload.Failed e = assertThrows(Upload.Failed.class, () -> app1.upload(List.of(
                new Upload("c\n".getBytes(StandardCharsets.UTF_8), "/etc/oth-test/many/c", "root:root", "0644", null),
                new Upload("bad\n".getBytes(StandardCharsets.UTF_8), "/etc/oth-test/many/d", "root:root", "0644", "grep -q good \"$1\" || { echo 'not good'; exit 1; }"),
                new Upload("e\n".getBytes(StandardCharsets.UTF_8), "/etc/oth-test/many/e", "root:root", "0644", null))));
        assertEquals(Failure.CHECK_FAILED, e.failure());
        assertEquals(1, e.landed());
        assertEquals("app1: " + Failure.CHECK_FAILED.summary() + ": /etc/oth-test/many/d: not good", e.getMessage());
        assertTrue(app1.read("/etc/oth-test/many/c").isPresent());
        assertTrue(app1.read("/etc/oth-test/many/d").isEmpty() && app1.read("/etc/oth-test/many/e").isEmpty());
        assertEquals("", app1.run(Command.shell("find /etc/oth-test -name '*.oth-tmp.*'"), Duration.ofSeconds(5)).stdout(),
                "no temp file left");
    }

    @Test
    void aForwardReachesAnAddressAsTheNodeSeesIt() throws Exception {
        // app1's own loopback: only reachable from app1's point of view (and open under any firewall oth installs)
        try (Forward f = app1.forward("127.0.0.1", 22); Socket s = new Socket(InetAddress.getLoopbackAddress(), f.localPort())) {
            InputStream in = s.getInputStream();
            byte[] banner = new byte[8];
            assertEquals(8, in.readNBytes(banner, 0, 8));
            assertEquals("SSH-2.0-", new String(banner, StandardCharsets.US_ASCII), "app1's sshd answered on app1's loopback");
        }
    }

    /**
     * A service that is not listening yet: each client through the forward is turned away (the node
     * could not connect), the forward keeps listening for the next, and the run log says so in oth's
     * words, with the node's reason (sshj's own ERROR for it is dropped as an echo: RunLogTest).
     */
    @Test
    void aForwardToAPortNobodyListensOnSaysSoInTheRunLogAndKeepsListening(Lab lab) throws Exception {
        Site site = SiteLoader.load(lab.site());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConnectOptions options = new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0], lines::add);
        SshFleet own = SshFleet.connect(site, List.of(site.node("app1").orElseThrow()), options);
        try (Forward f = own.reaches().get(0).host().orElseThrow().forward("127.0.0.1", 9)) {
            for (int client = 0; client < 2; client++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.localPort())) {
                    s.setSoTimeout(10_000);
                    int first;
                    try {
                        first = s.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        first = -1;
                    }
                    assertEquals(-1, first, "nothing came through from a port nobody listens on");
                }
                assertTrue(f.refusal().isEmpty(), "a refused connection is not the node refusing to forward");
            }
        } finally {
            own.close();
        }
        List<String> refused = lines.stream().filter(l -> l.startsWith("[app1] forward to 127.0.0.1:9: the node could not open a connection (CONNECT_FAILED, ")).toList();
        assertEquals(2, refused.size(), String.join("\n", lines));
        assertTrue(refused.get(0).contains("Connection refused"), refused.get(0));
    }

    /** doctor's checks open and close forwards side by side on one connection: none may break the run or another forward. */
    @Test
    void forwardsOpenedAndClosedSideBySideAllWork() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> banners = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                boolean use = i % 10 == 0;
                banners.add(pool.submit(() -> {
                    try (Forward f = app1.forward("127.0.0.1", 22)) {
                        if (!use) {
                            return "SSH-2.0-";
                        }
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.localPort())) {
                            return new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII);
                        }
                    }
                }));
            }
            for (Future<String> banner : banners) {
                assertEquals("SSH-2.0-", banner.get(60, TimeUnit.SECONDS));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (listening() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, listening(), "every closed forward's listener ended, even one closed before it began to listen");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long listening() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("oth-forward-") && t.isAlive()).count();
    }

    /**
     * A client that keeps its connection (a pooling HTTP client) must not keep sshj's copier thread
     * in a socket read once the forward is closed: the JVM waits 0.3 s at exit for such threads.
     */
    @Test
    void closingAForwardClosesTheConnectionsItAccepted() throws Exception {
        Forward f = app1.forward("127.0.0.1", 22);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.localPort())) {
            InputStream in = s.getInputStream();
            assertEquals(8, in.readNBytes(new byte[8], 0, 8));
            long copiers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("soc2chan")).count();
            assertTrue(copiers >= 1, "sshj copies this connection's bytes on a thread of its own");
            f.close();
            s.setSoTimeout(5_000);
            int left = 0;
            while (in.read() != -1 && left++ < 4096) {
                // the rest of the banner, then the end: a read that waits on is a timeout
            }
            assertTrue(left < 4096, "the forward's side of the connection closed with the forward");
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("soc2chan") && t.isAlive()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("soc2chan")).count(),
                    "no copier thread is left reading");
        }
    }

    /**
     * A node's connection runs in a channel of the bastion's. Closed while the node still sends (a
     * command streaming its output), the bytes already on their way arrive for that channel after
     * the node's connection has let go of it: they must not take the bastion's connection down, and
     * with it every other node's (sshj dies on "data on an EOF'ed stream").
     */
    @Test
    void closingANodeWhileItStillSendsLeavesTheBastionAndTheOtherNodes(Lab lab) throws Exception {
        Site site = SiteLoader.load(lab.site());
        ConnectOptions options = new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0]);
        List<String> senders = List.of("app1", "storage", "lb");
        List<io.oth.site.Node> nodes = new ArrayList<>(senders.stream().map(n -> site.node(n).orElseThrow()).toList());
        nodes.add(site.node("app2").orElseThrow());
        ExecutorService streaming = Executors.newSingleThreadExecutor();
        try (SshFleet fleet = SshFleet.connect(site, nodes, options)) {
            Host other = fleet.reaches().get(senders.size()).host().orElseThrow();
            for (int i = 0; i < senders.size(); i++) {
                SshHost sending = (SshHost) fleet.reaches().get(i).host().orElseThrow();
                Future<CommandResult> output = streaming.submit(() -> sending.run(Command.shell("exec yes oth-stream"), Duration.ofSeconds(30)));
                Thread.sleep(300);
                sending.close();
                assertThrows(java.util.concurrent.ExecutionException.class, () -> output.get(10, TimeUnit.SECONDS), "the stream ends with its connection");
                RemoteException closed = assertThrows(RemoteException.class, () -> sending.run(Command.shell("true"), Duration.ofSeconds(10)));
                assertEquals(Failure.CONNECTION_LOST, closed.failure(), "a command on an ended connection is the node's connection loss, not a crash");
                Thread.sleep(200);
                assertEquals("up\n", other.run(Command.shell("echo up"), Duration.ofSeconds(10)).stdout(),
                        "app2's connection, in the same bastion connection, outlives " + senders.get(i) + "'s");
            }
        } finally {
            streaming.shutdownNow();
        }
    }
}
