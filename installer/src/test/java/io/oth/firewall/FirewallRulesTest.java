package io.oth.firewall;

import io.oth.firewall.FirewallRules;

import io.oth.op.InitSystem;
import io.oth.phase.HostFacts;
import io.oth.site.Addresses;
import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The port table of playbooks/roles.yml turned into rules for each role. */
class FirewallRulesTest {
    private static final String BASTION = "10.77.0.10";
    private final Playbooks playbooks = Playbooks.load();

    static Site site(Storage storage) {
        SshEndpoint ssh = new SshEndpoint("x", 22, "root", Path.of("/k"));
        List<Node> nodes = List.of(
                new Node("lb", "lb", "10.77.0.2", Optional.of("203.0.113.20"), ssh),
                new Node("app1", "app", "10.77.0.101", Optional.empty(), ssh),
                new Node("app2", "app", "10.77.0.102", Optional.empty(), ssh),
                new Node("storage", "storage", "10.77.0.20", Optional.empty(), ssh));
        return new Site(Path.of("/site.yml"), "lab", "oth.example.test", Optional.empty(), Optional.empty(), nodes, Set.of(), storage,
                Optional.empty(), List.of("52.30.207.215/32", "52.31.90.17/32"), new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of());
    }

    static Storage allLocal() {
        return allLocal(false);
    }

    static Storage allLocal(boolean plainAmqp) {
        return new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), plainAmqp);
    }

    private static HostFacts facts(Node node, String sshSource) {
        return new HostFacts(node.name(), InitSystem.SYSV, Addresses.ipLiteral(sshSource).orElseThrow(), 22, node.role().equals("lb"));
    }

    private FirewallRules rulesOf(Site site, String node, Playbooks data) {
        Node n = site.node(node).orElseThrow();
        return FirewallRules.forNode(site, n, facts(n, BASTION), data);
    }

    @Test
    void theLoadBalancerTakesWebTrafficFromAnywhereAndSshFromTheBastionAndSupport() {
        FirewallRules lb = rulesOf(site(allLocal()), "lb", playbooks);
        assertEquals(List.of(
                "tcp dport 80 accept comment \"HTTP, answers 301 to https\"",
                "tcp dport 443 accept comment \"HTTPS to the application\"",
                "ip saddr { 10.77.0.10 } tcp dport 22 accept comment \"SSH for oth and OTH support staff\"",
                "ip saddr @support4 tcp dport 22 accept comment \"OTH support staff, only while oth support open lasts\"",
                "ip6 saddr @support6 tcp dport 22 accept comment \"OTH support staff, only while oth support open lasts\""),
                lb.rules());
        assertTrue(lb.supportSets(), "the support addresses are never a fixed rule: they are added to the sets for a time");
        assertEquals(List.of("10.77.0.101", "10.77.0.102", "10.77.0.20"), lb.forwardFrom(), "the routing LB lets only the site's nodes out");
        assertEquals("", lb.lockoutRisk());
    }

    /**
     * A site that logs in on another port than the spec's 22 (node port, ssh.port, ssh_config's Port):
     * the SSH rules open the port oth's session arrived on, for oth and for support staff alike, and
     * nothing on 22. With 22 there, the fresh-connection proof failed and every install was reverted.
     */
    @Test
    void theSshRulesOpenThePortOthsSessionArrivedOnNotTheSpecs22() {
        Site site = site(allLocal());
        for (String name : List.of("lb", "app1", "storage")) {
            Node n = site.node(name).orElseThrow();
            HostFacts on2222 = new HostFacts(name, InitSystem.SYSV, Addresses.ipLiteral(BASTION).orElseThrow(), 2222, name.equals("lb"));
            FirewallRules rules = FirewallRules.forNode(site, n, on2222, playbooks);
            assertTrue(rules.rules().stream().anyMatch(r -> r.startsWith("ip saddr { 10.77.0.10") && r.contains(" tcp dport 2222 accept")), rules.rules()::toString);
            assertTrue(rules.rules().stream().noneMatch(r -> r.contains("dport 22 ")), rules.rules()::toString);
            assertEquals(2222, rules.sshPort());
            assertEquals("", rules.lockoutRisk());
        }
        List<String> lb = FirewallRules.forNode(site, site.node("lb").orElseThrow(),
                new HostFacts("lb", InitSystem.SYSV, Addresses.ipLiteral(BASTION).orElseThrow(), 2222, true), playbooks).rules();
        assertTrue(lb.contains("ip saddr @support4 tcp dport 2222 accept comment \"OTH support staff, only while oth support open lasts\""), lb::toString);
        assertTrue(lb.contains("tcp dport 443 accept comment \"HTTPS to the application\""), "the other rules keep the table's ports: " + lb);
    }

    @Test
    void appNodesTakePort80OnlyFromTheLoadBalancer() {
        FirewallRules app = rulesOf(site(allLocal()), "app1", playbooks);
        assertEquals(List.of(
                "ip saddr { 10.77.0.2 } tcp dport 80 accept comment \"traefik, reached from the load balancer only\"",
                "ip saddr { 10.77.0.10, 10.77.0.2 } tcp dport 22 accept comment \"SSH through the bastion or the load balancer\""),
                app.rules());
        assertEquals(List.of(), app.forwardFrom());
        assertFalse(app.supportSets());
    }

    @Test
    void storageOpensOnlyThePortsOfLocalServicesAndOnlyToAppNodes() {
        FirewallRules all = rulesOf(site(allLocal()), "storage", playbooks);
        assertEquals(List.of(3306, 5671, 15671, 9000, 22), all.rules().stream().map(FirewallRulesTest::port).toList(), all.rules().toString());
        assertTrue(all.rules().stream().filter(r -> !r.contains("dport 22 ")).allMatch(r -> r.startsWith("ip saddr { 10.77.0.101, 10.77.0.102 } ")),
                all.rules().toString());
        Storage externalDb = new Storage(new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "oth"))),
                new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false);
        List<String> rules = rulesOf(site(externalDb), "storage", playbooks).rules();
        assertTrue(rules.stream().noneMatch(r -> r.contains("dport 3306 ")), rules.toString());
        assertTrue(rules.stream().anyMatch(r -> r.contains("dport 5671 ")), rules.toString());
    }

    @Test
    void thePlainBrokerPortsOpenOnlyWhenTheSiteAsksForPlainAmqp() {
        List<String> plain = rulesOf(site(allLocal(true)), "storage", playbooks).rules();
        assertEquals(List.of(3306, 5671, 5672, 15671, 15672, 9000, 22), plain.stream().map(FirewallRulesTest::port).toList(), plain.toString());
        assertTrue(plain.contains("ip saddr { 10.77.0.101, 10.77.0.102 } tcp dport 15672 accept comment \"RabbitMQ management; the spec's 15762\""),
                plain.toString());
    }

    private static int port(String rule) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" dport (\\d+) ").matcher(rule);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void aTableThatLeavesOthOutIsFlaggedBeforeItIsApplied() {
        Role lbOnly = new Role("app", "app", new Role.Count(1, OptionalInt.empty()), Role.PublicAddress.FORBIDDEN,
                List.of(new Role.Inbound(22, "tcp", List.of("lb"), Optional.empty(), Optional.of("ssh"), Optional.empty(), "ssh from the lb only")));
        Map<String, Role> roles = new LinkedHashMap<>(playbooks.roles());
        roles.put("app", lbOnly);
        Playbooks broken = new Playbooks(roles, playbooks.features(), playbooks.supportAddresses());
        assertEquals("no rule lets oth's SSH source 10.77.0.10 reach port 22", rulesOf(site(allLocal()), "app1", broken).lockoutRisk());
    }

    @Test
    void aNodeLetsOthsSshInOnlyFromTheSourceItReportedItselfNeverFromAnotherNodesReport() {
        Site site = site(allLocal());
        Node app2 = site.node("app2").orElseThrow();
        FirewallRules liar = FirewallRules.forNode(site, app2, facts(app2, "10.250.0.1"), playbooks);
        FirewallRules storage = rulesOf(site, "storage", playbooks);
        assertTrue(liar.rules().contains("ip saddr { 10.250.0.1, 10.77.0.2 } tcp dport 22 accept comment \"SSH through the bastion or the load balancer\""),
                liar.rules().toString());
        assertTrue(storage.rules().stream().noneMatch(r -> r.contains("10.250.0.1")), () -> "app2's report reached storage's rules: " + storage.rules());
        assertEquals(Set.of(BASTION), storage.sshSources());
    }
}
