package io.oth.remote.ssh;

import io.oth.remote.Command;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.HostConnection;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.site.Application;
import io.oth.site.KeySources;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import io.oth.sshconfig.SshConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logins against a real ssh-agent and real sshd processes on the loopback address (OpenSSH's own
 * tools, started in a temporary directory): agent-only authentication, IdentitiesOnly, and a chain
 * of jump hosts with each host key checked. Skipped where OpenSSH's server cannot be started here
 * (not root, or no sshd).
 */
class AgentAndJumpLoopbackTest {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<TestAgent> agents = new ArrayList<>();
    private Path agent;

    @BeforeEach
    void keysAndAgent() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SSHD) && "root".equals(System.getProperty("user.name")),
                "sshd runs on loopback only as root, with OpenSSH installed");
        keygen("agent_key");
        keygen("file_key");
        keygen("host_a");
        keygen("host_b");
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(dir.resolve("agent_key.pub")));
        agent = dir.resolve("agent.sock");
        agents.add(TestAgent.start(agent, dir.resolve("agent_key")));
        // The agent's key, not the file: the private key file is gone.
        Files.delete(dir.resolve("agent_key"));
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroy);
        agents.forEach(TestAgent::close);
    }

    @Test
    void theAgentListsItsKeyAndOnlyTheWantedOnes() {
        SshAgent sshAgent = SshAgent.at(Optional.of(agent)).orElseThrow();

        assertEquals(1, sshAgent.authMethods(blob -> true).size());
        assertEquals(0, sshAgent.authMethods(blob -> false).size());
        assertEquals(Optional.empty(), SshAgent.at(Optional.of(dir.resolve("no-such.sock"))));
    }

    @Test
    void aNodeWithoutAKeyFileLogsInWithTheAgentsKey() throws Exception {
        int port = sshd("host_a");
        Node node = node(port);

        try (HostConnection connection = SshFleet.connectOne(site(Optional.empty(), List.of(), node), node,
                options(knownHosts(port, "host_a"), SshConfig.NONE))) {
            assertEquals("root", connection.host().run(Command.of("id", "-un"), Duration.ofSeconds(10)).stdout().strip());
        }
    }

    @Test
    void withIdentitiesOnlyTheAgentOffersOnlyTheKeyOfTheIdentityFile() throws Exception {
        int port = sshd("host_a");
        Node node = node(port);
        Path config = Files.writeString(dir.resolve("config"), "Host 127.0.0.1\n  IdentitiesOnly yes\n  IdentityFile " + dir.resolve("file_key") + "\n");

        RemoteException thrown = assertThrows(RemoteException.class, () -> SshFleet.connectOne(site(Optional.empty(), List.of(), node), node,
                options(knownHosts(port, "host_a"), SshConfig.read(config, dir))).close());

        assertEquals(Failure.NODE_AUTH, thrown.failure());
        assertEquals("app1: authentication failed: root with key " + dir.resolve("file_key") + " was not accepted", thrown.getMessage());
    }

    @Test
    void twoJumpHostsAreChainedAndANodeIsReachedThroughBoth() throws Exception {
        int a = sshd("host_a");
        int b = sshd("host_b");
        Path known = knownHosts(a, "host_a");
        Files.writeString(known, Files.readString(knownHosts(b, "host_b")), java.nio.file.StandardOpenOption.APPEND);
        Node node = node(a);
        Site site = site(Optional.of(loopback(b)), List.of(loopback(a)), node);

        try (Fleet fleet = SshFleet.connect(site, List.of(node), options(known, SshConfig.NONE))) {
            assertEquals("root", fleet.reaches().get(0).host().orElseThrow().run(Command.of("id", "-un"), Duration.ofSeconds(10)).stdout().strip());
            assertEquals(3, fleet.connectionsOpened(), "the jump host, the bastion and the node");
        }
    }

    @Test
    void aChangedKeyAtTheSecondHopIsNamedByItsPlaceAndStopsTheFleet() throws Exception {
        int a = sshd("host_a");
        int b = sshd("host_b");
        Path known = knownHosts(a, "host_a");
        // host_b's port recorded with host_a's key: the bastion's key "changed".
        Files.writeString(known, "[127.0.0.1]:" + b + " " + Files.readString(dir.resolve("host_a.pub")), java.nio.file.StandardOpenOption.APPEND);
        Node node = node(a);
        Site site = site(Optional.of(loopback(b)), List.of(loopback(a)), node);

        RemoteException thrown = assertThrows(RemoteException.class, () -> SshFleet.connect(site, List.of(node), options(known, SshConfig.NONE)).close());

        assertEquals(Failure.HOST_KEY_CHANGED, thrown.failure());
        assertEquals("jump host 2 of 2 (bastion), 127.0.0.1", thrown.host());
    }

    private ConnectOptions options(Path knownHosts, SshConfig config) {
        return new ConnectOptions(knownHosts, Duration.ofSeconds(10), 2, HostKeyTrust.REFUSE, () -> new char[0], io.oth.runlog.DebugLog.NONE,
                KeySources.of(config, agent.toString()));
    }

    private static SshEndpoint loopback(int port) {
        return new SshEndpoint("127.0.0.1", Optional.of(port), Optional.of("root"), Optional.empty());
    }

    private static Node node(int port) {
        return new Node("app1", "app", "127.0.0.1", Optional.empty(), loopback(port));
    }

    private static Site site(Optional<SshEndpoint> bastion, List<SshEndpoint> jumps, Node node) {
        Storage local = new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.empty()), false);
        return new Site(Path.of("/site.yml"), "lab", "oth.example.test", bastion, Optional.empty(), List.of(node), Set.of(), local,
                Optional.empty(), List.of(), new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of(), jumps);
    }

    private Path knownHosts(int port, String hostKey) throws IOException {
        Path file = dir.resolve("known_hosts_" + port);
        Files.writeString(file, "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve(hostKey + ".pub")));
        return file;
    }

    private void keygen(String name) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", dir.resolve(name).toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
    }

    /** An sshd on 127.0.0.1 only, on a free high port, with {@code hostKey}; skips the test when it does not come up. */
    private int sshd(String hostKey) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Files.createDirectories(Path.of("/run/sshd"));
        Path config = Files.writeString(dir.resolve("sshd_" + port), String.join("\n",
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve(hostKey),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd_" + port + ".pid"),
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding yes",
                ""));
        Process sshd = new ProcessBuilder(SSHD.toString(), "-f", config.toString(), "-D", "-e", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd_" + port + ".log").toFile()).start();
        started.add(sshd);
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return port;
            } catch (IOException notYet) {
                Assumptions.assumeTrue(sshd.isAlive(), () -> "sshd did not start: " + read(dir.resolve("sshd_" + port + ".log")));
                Thread.sleep(50);
            }
        }
        Assumptions.abort("sshd did not listen on 127.0.0.1:" + port);
        return port;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
