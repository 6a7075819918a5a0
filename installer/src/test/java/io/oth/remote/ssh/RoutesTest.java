package io.oth.remote.ssh;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import io.oth.sshconfig.SshConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutesTest {
    @TempDir
    Path home;

    private static final Node APP1 = new Node("app1", "app", "10.77.0.101", Optional.empty(),
            new SshEndpoint("10.77.0.101", Optional.empty(), Optional.empty(), Optional.empty()));

    @Test
    void aSingleBastionKeepsItsNameAndItsSiteValuesWinOverSshConfig() throws Exception {
        Path key = Files.createFile(home.resolve("id_site"));
        Files.createFile(home.resolve("id_config"));
        Site site = site(Optional.of(new SshEndpoint("jump", Optional.of(2200), Optional.empty(), Optional.of(key))), List.of());
        SshConfig config = config("""
                Host jump
                    HostName 203.0.113.10
                    Port 2222
                    User admin
                    IdentityFile ~/id_config
                """);

        List<Hop> hops = new Routes(site, config, home).jumpsTo(APP1);

        assertEquals(List.of(new Hop("bastion jump", "jump", "203.0.113.10", 2200, "admin", List.of(key), false)), hops);
    }

    @Test
    void bastionJumpHostsAreDialledInOrderAndEachIsNamedWithItsPlace() throws Exception {
        Site site = site(Optional.of(endpoint("b.example.test")), List.of(endpoint("j1.example.test"), endpoint("j2.example.test")));

        List<Hop> hops = new Routes(site, config("Host b.example.test\n  ProxyJump ignored.example.test\n"), home).toBastion();

        assertEquals(List.of("jump host 1 of 3, j1.example.test", "jump host 2 of 3, j2.example.test", "jump host 3 of 3 (bastion), b.example.test"),
                hops.stream().map(Hop::label).toList(), "the site's jump hosts win over the bastion's ProxyJump");
        assertEquals(List.of("j1.example.test", "j2.example.test", "b.example.test"), hops.stream().map(Hop::address).toList());
    }

    @Test
    void aProxyJumpOfTwoHopsInSshConfigComesBeforeTheBastionWithEachHopsOwnSettings() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Path j2key = Files.createFile(home.resolve(".ssh/j2.example.test_2202"));
        Site site = site(Optional.of(endpoint("bastion")), List.of());
        SshConfig config = config("""
                Host bastion
                    HostName 10.77.0.1
                    ProxyJump ops@j1.example.test:2201,j2
                Host j2
                    HostName j2.example.test
                    Port 2202
                    IdentityFile ~/.ssh/%h_%p
                    IdentitiesOnly yes
                Host j1.example.test
                    ProxyJump j0.example.test
                """);

        List<Hop> hops = new Routes(site, config, home).toBastion();

        assertEquals(List.of(
                new Hop("jump host 1 of 4, j0.example.test", "j0.example.test", "j0.example.test", 22, "root", List.of(), false),
                new Hop("jump host 2 of 4, j1.example.test", "j1.example.test", "j1.example.test", 2201, "ops", List.of(), false),
                new Hop("jump host 3 of 4, j2", "j2", "j2.example.test", 2202, "root", List.of(j2key), true),
                new Hop("jump host 4 of 4 (bastion), bastion", "bastion", "10.77.0.1", 22, "root", List.of(), false)), hops,
                "the first jump host's own ProxyJump comes first, as ssh -J does");
    }

    @Test
    void withoutABastionANodeFollowsItsProxyJumpAndNoneMeansDirect() throws Exception {
        Site site = site(Optional.empty(), List.of());
        SshConfig config = config("Host 10.77.0.101\n  ProxyJump none\nHost 10.77.0.*\n  ProxyJump gw.example.test\n");
        Node lb = new Node("lb", "lb", "10.77.0.2", Optional.of("203.0.113.20"), endpoint("10.77.0.2"));

        Routes routes = new Routes(site, config, home);

        assertEquals(List.of("jump host 1 of 1, gw.example.test"), routes.jumpsTo(lb).stream().map(Hop::label).toList());
        assertEquals(List.of(), routes.jumpsTo(APP1));
        assertEquals("app1", routes.node(APP1).label());
    }

    @Test
    void aProxyJumpLoopIsStoppedAtTheLimitOfHops() throws Exception {
        Site site = site(Optional.of(endpoint("a")), List.of());
        SshConfig config = config("Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n");

        RemoteException thrown = assertThrows(RemoteException.class, () -> new Routes(site, config, home).toBastion());

        assertEquals(Failure.BASTION_UNREACHABLE, thrown.failure());
        assertEquals("bastion a", thrown.host());
    }

    private SshConfig config(String text) throws IOException, io.oth.sshconfig.SshConfigException {
        Path file = home.resolve("config");
        Files.writeString(file, text);
        return SshConfig.read(file, home);
    }

    /** The specification's own design: SSH comes in to the load balancer, and from there to the others. */
    @Test
    void theLoadBalancerThatIsTheBastionIsDialledWhereTheBastionIsAndTheOthersThroughIt() throws Exception {
        Node lb = new Node("lb", "lb", "10.77.0.2", Optional.of("203.0.113.20"),
                new SshEndpoint("10.77.0.2", Optional.empty(), Optional.of("oth"), Optional.empty()));
        Routes routes = new Routes(site(Optional.of(endpoint("203.0.113.20")), List.of(), List.of(lb, APP1)), config(""), home);
        assertTrue(routes.isBastion(lb));
        assertFalse(routes.isBastion(APP1));
        assertEquals(List.of(), routes.jumpsTo(lb), "dialled from this side, so its firewall lets in what oth's next run comes from");
        Hop own = routes.node(lb);
        assertEquals(List.of("203.0.113.20", "22", "oth"), List.of(own.address(), String.valueOf(own.port()), own.user()));
        assertEquals(List.of("203.0.113.20"), routes.jumpsTo(APP1).stream().map(Hop::address).toList(), "the others through it");

        Routes privateAddress = new Routes(site(Optional.of(endpoint("10.77.0.2")), List.of(), List.of(lb, APP1)), config(""), home);
        assertTrue(privateAddress.isBastion(lb));

        Routes otherPort = new Routes(site(Optional.of(new SshEndpoint("203.0.113.20", Optional.of(2200), Optional.empty(), Optional.empty())),
                List.of(), List.of(lb, APP1)), config(""), home);
        assertFalse(otherPort.isBastion(lb), "another sshd on that address (a port forward to a bastion) is not the node");
        assertEquals(List.of("203.0.113.20"), otherPort.jumpsTo(lb).stream().map(Hop::address).toList());

        Routes jumped = new Routes(site(Optional.of(endpoint("203.0.113.20")), List.of(endpoint("j1.example.test")), List.of(lb, APP1)),
                config(""), home);
        assertEquals(List.of("j1.example.test"), jumped.jumpsTo(lb).stream().map(Hop::address).toList(), "the jump hosts before it stay");
    }

    private static SshEndpoint endpoint(String address) {
        return new SshEndpoint(address, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Site site(Optional<SshEndpoint> bastion, List<SshEndpoint> jumps) {
        return site(bastion, jumps, List.of(APP1));
    }

    private static Site site(Optional<SshEndpoint> bastion, List<SshEndpoint> jumps, List<Node> nodes) {
        Storage local = new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
                new Storage.ObjectStore(Optional.empty()), false);
        return new Site(Path.of("/site.yml"), "lab", "oth.example.test", bastion, Optional.empty(), nodes, Set.of(), local,
                Optional.empty(), List.of(), new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of(), jumps);
    }
}
