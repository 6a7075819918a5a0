package io.oth.check;

import io.oth.firewall.FirewallRules;
import io.oth.op.Probe;
import io.oth.phase.HostFacts;
import io.oth.op.InitSystem;
import io.oth.site.Addresses;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ports.*: the probes follow the network table as the firewall reads it; answers become findings. */
class PortMatrixCheckTest {
    private static final Storage PLAIN_AMQP = new Storage(Sites.ALL_LOCAL.database(), Sites.ALL_LOCAL.broker(), Sites.ALL_LOCAL.objects(), true);
    private final Playbooks playbooks = Playbooks.load();
    private final Site site = Sites.lab();

    private List<String> planned(Site site, Playbooks playbooks, String from) {
        return new PortMatrixCheck(site, playbooks, io.oth.remote.Fleet::sitePort, 3).targets(Sites.node(site, from)).stream().map(t -> t.id() + " " + t.connect()).toList();
    }

    @Test
    void appNodesProbeEveryStoragePortTheFirewallOpensToThem() {
        assertEquals(List.of("ports.app-storage 10.77.0.20:3306", "ports.app-storage 10.77.0.20:5671", "ports.app-storage 10.77.0.20:15671",
                "ports.app-storage 10.77.0.20:9000"), planned(site, playbooks, "app1"));
    }

    @Test
    void thePlainBrokerPortsAreProbedOnlyWhenTheSiteAsksForPlainAmqp() {
        Site plain = Sites.lab(PLAIN_AMQP, Set.of());
        assertEquals(List.of("ports.app-storage 10.77.0.20:3306", "ports.app-storage 10.77.0.20:5671", "ports.app-storage 10.77.0.20:5672",
                "ports.app-storage 10.77.0.20:15671", "ports.app-storage 10.77.0.20:15672", "ports.app-storage 10.77.0.20:9000"),
                planned(plain, playbooks, "app1"));
        HostFacts facts = new HostFacts("storage", InitSystem.SYSV, Addresses.ipLiteral("10.77.0.10").orElseThrow(), 22, false, List.of());
        for (Site s : List.of(site, plain)) {
            List<String> rules = FirewallRules.forNode(s, Sites.node(s, "storage"), facts, playbooks).rules();
            for (String probe : planned(s, playbooks, "app1")) {
                String port = probe.substring(probe.lastIndexOf(':') + 1);
                assertTrue(rules.stream().anyMatch(r -> r.contains(" dport " + port + " ")), port + " is probed, so the firewall opens it: " + rules);
            }
            assertEquals(planned(s, playbooks, "app1").size() + 1, rules.size(), "the firewall opens what is probed, and SSH: " + rules);
        }
    }

    @Test
    void theLoadBalancerProbesWhatTheNodesLetItReach() {
        assertEquals(List.of("ports.lb-app 10.77.0.101:80", "ports.lb-app 10.77.0.102:80", "ports.lb-app 10.77.0.101:22", "ports.lb-app 10.77.0.102:22",
                "ports.lb-storage 10.77.0.20:22"), planned(site, playbooks, "lb"));
        assertEquals(List.of(), planned(site, playbooks, "storage"));
    }

    @Test
    void aServiceThatIsNotLocalIsNotProbed() {
        Storage externalDb = new Storage(new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "oth"))),
                new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false);
        List<String> planned = planned(Sites.lab(externalDb, Set.of()), playbooks, "app1");
        assertTrue(planned.stream().noneMatch(p -> p.endsWith(":3306")), planned.toString());
        assertTrue(planned.contains("ports.app-storage 10.77.0.20:5671"), planned.toString());
    }

    @Test
    void aPortChangedInTheTableMovesTheFirewallTheProbesAndTheLoginAlike() {
        Role storage = playbooks.roles().get("storage");
        List<Role.Inbound> inbound = storage.inbound().stream()
                .map(in -> in.port() == 5671 ? new Role.Inbound(5999, in.proto(), in.from(), in.service(), in.why()) : in).toList();
        Map<String, Role> roles = new LinkedHashMap<>(playbooks.roles());
        roles.put("storage", new Role(storage.name(), storage.description(), storage.count(), storage.publicAddress(), inbound));
        Playbooks changed = new Playbooks(roles, playbooks.features(), playbooks.supportAddresses());

        List<String> planned = planned(site, changed, "app1");
        assertTrue(planned.contains("ports.app-storage 10.77.0.20:5999") && planned.stream().noneMatch(p -> p.endsWith(":5671")), planned.toString());
        HostFacts facts = new HostFacts("storage", InitSystem.SYSV, Addresses.ipLiteral("10.77.0.10").orElseThrow(), 22, false, List.of());
        List<String> rules = FirewallRules.forNode(site, Sites.node(site, "storage"), facts, changed).rules();
        assertTrue(rules.stream().anyMatch(r -> r.contains("dport 5999 ")) && rules.stream().noneMatch(r -> r.contains("dport 5671 ")), rules.toString());
        assertEquals(5999, PortMatrixCheck.firstPort(changed.roles().get("storage"), "broker"), "the broker login goes where the table says");
    }

    @Test
    void aHealthyMatrixIsAllConnected() {
        List<Finding> findings = findings(site, "app1", key -> new Probe.Answer(0, ""));
        assertEquals(4, findings.size());
        assertTrue(findings.stream().allMatch(f -> f.verdict() == Verdict.OK && f.cause().equals("connected")), findings.toString());
    }

    @Test
    void eachWayAConnectionEndsIsItsOwnCause() {
        Map<String, Probe.Answer> answers = Map.of(
                "port:10.77.0.20:3306", new Probe.Answer(1, "bash: connect: Connection refused"),
                "port:10.77.0.20:5671", new Probe.Answer(124, ""),
                "port:10.77.0.20:9000", new Probe.Answer(1, "bash: connect: No route to host"),
                "port:10.77.0.20:5672", new Probe.Answer(1, "bash: connect: Connection refused"));
        Map<String, Finding> byTarget = new LinkedHashMap<>();
        findings(Sites.lab(PLAIN_AMQP, Set.of()), "app2", key -> answers.getOrDefault(key, new Probe.Answer(0, ""))).forEach(f -> byTarget.put(f.target(), f));

        Finding refused = byTarget.get("10.77.0.20:3306");
        assertEquals(Verdict.FAIL, refused.verdict());
        assertEquals("connection refused", refused.cause());
        assertEquals("nothing listens on 10.77.0.20:3306: is the service running there?", refused.hint());
        Finding dropped = byTarget.get("10.77.0.20:5671");
        assertEquals("no answer (filtered or down)", dropped.cause());
        assertEquals("a firewall drops 10.77.0.20:5671 from app2 (10.77.0.102): check the nftables rule on the target for 10.77.0.102", dropped.hint());
        assertEquals("no route to host", byTarget.get("10.77.0.20:9000").cause());
        Finding plain = byTarget.get("10.77.0.20:5672");
        assertEquals(Verdict.FAIL, plain.verdict(), "with plain_amqp RabbitMQ listens on plain AMQP too: " + plain);
        assertEquals("connection refused", plain.cause());
    }

    @Test
    void fromTheLoadBalancerTraefiksPortIsReachedOverMutualTlsAsHaproxyReachesIt() {
        PortMatrixCheck check = new PortMatrixCheck(site, playbooks, io.oth.remote.Fleet::sitePort, 3);
        Probe probe = check.probes(Sites.node(site, "lb")).get(0);
        assertEquals("port:10.77.0.101:80", probe.key());
        for (String part : List.of("--cacert /etc/haproxy/oth-tls/ca.pem", "--cert /etc/haproxy/oth-tls/client.pem",
                "--key /etc/haproxy/oth-tls/client.pem.key", "--resolve app1.lab.internal:80:10.77.0.101", "https://app1.lab.internal:80/",
                "http://10.77.0.101:80/")) {
            assertTrue(probe.script().contains(part), part + " in " + probe.script());
        }
        assertTrue(check.probes(Sites.node(site, "lb")).get(2).script().contains("/dev/tcp/10.77.0.101/22"), "SSH stays a TCP connect");
    }

    /** A node oth reaches on another SSH port than the spec's 22: the load balancer probes that one, the others' stay as they are. */
    @Test
    void aNodesSshIsProbedOnThePortOthReachesItOn() {
        List<String> targets = new PortMatrixCheck(site, playbooks, n -> n.name().equals("app2") ? 2222 : 22, 3).targets(Sites.node(site, "lb"))
                .stream().map(t -> t.connect().toString()).toList();
        assertTrue(targets.contains("10.77.0.102:2222") && targets.contains("10.77.0.101:22") && targets.contains("10.77.0.102:80"), targets::toString);
        assertTrue(!targets.contains("10.77.0.102:22"), targets::toString);
    }

    @Test
    void traefikAnsweringPlainHttpOrRefusingTheClientCertificateFails() {
        Map<String, Probe.Answer> answers = Map.of(
                "port:10.77.0.101:80", new Probe.Answer(0, "tls 0 404"),
                "port:10.77.0.102:80", new Probe.Answer(1, "tls 35 000curl: (35) error:0A00010B:SSL routines::wrong version number\nplain 200"));
        Map<String, Finding> byTarget = new LinkedHashMap<>();
        findings(site, "lb", key -> answers.getOrDefault(key, new Probe.Answer(0, ""))).forEach(f -> byTarget.put(f.target(), f));
        assertEquals(Verdict.OK, byTarget.get("10.77.0.101:80").verdict());
        assertEquals("mutual TLS: a certificate from the site CA for app1.lab.internal, haproxy's client certificate accepted",
                byTarget.get("10.77.0.101:80").cause());
        Finding plain = byTarget.get("10.77.0.102:80");
        assertEquals(Verdict.FAIL, plain.verdict());
        assertEquals("answers plain HTTP (status 200), not TLS", plain.cause());
        assertTrue(plain.hint().startsWith("traefik on app2 must serve only mutual TLS on this port"), plain.hint());

        assertEquals("TLS: traefik refused haproxy's client certificate: OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0",
                lbApp2(new Probe.Answer(1, "tls 56 000curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\nplain 000"))
                        .cause());
        Finding wrongCa = lbApp2(new Probe.Answer(1, "tls 60 000curl: (60) SSL certificate problem: unable to get local issuer certificate\nplain 000"));
        assertEquals("TLS: the certificate is not the site CA's for app2.lab.internal: SSL certificate problem: unable to get local issuer certificate",
                wrongCa.cause());
        assertEquals("oth certs rotate --service traefik issues app2 one from the site CA; check /etc/traefik/traefik.yml and dynamic.yml on app2",
                wrongCa.hint());
        assertEquals("haproxy's client certificate cannot be used: could not load PEM client certificate from /etc/haproxy/oth-tls/client.pem",
                lbApp2(new Probe.Answer(1, "tls 58 000curl: (58) could not load PEM client certificate from /etc/haproxy/oth-tls/client.pem\nplain 000"))
                        .cause());
        Finding refused = lbApp2(new Probe.Answer(1, "tls 7 000curl: (7) Failed to connect to app2.lab.internal port 80: Connection refused\nplain 000"));
        assertEquals("connection refused", refused.cause());
        assertEquals("no answer (filtered or down)", lbApp2(new Probe.Answer(1, "tls 28 000curl: (28) Connection timed out\nplain 000")).cause());
        assertEquals("TLS handshake failed: error:0A000410:SSL routines::sslv3 alert handshake failure",
                lbApp2(new Probe.Answer(1, "tls 35 000curl: (35) error:0A000410:SSL routines::sslv3 alert handshake failure\nplain 400")).cause(),
                "traefik's 400 to a plain request on its TLS port is no plain-HTTP service");
    }

    @Test
    void whatTheLoadBalancerPrintsIsBoundedAndShownSafely() {
        Finding hostile = lbApp2(new Probe.Answer(1, "tls 99999999999 \u001b[2J" + "x".repeat(10_000) + "\nplain 000"));
        assertEquals(Verdict.FAIL, hostile.verdict());
        assertTrue(hostile.cause().startsWith("TLS handshake failed: "), hostile.cause());
        assertTrue(!hostile.cause().contains("\u001b") && hostile.cause().length() < 300, hostile.cause());
    }

    private Finding lbApp2(Probe.Answer answer) {
        return findings(site, "lb", key -> key.equals("port:10.77.0.102:80") ? answer : new Probe.Answer(0, "tls 0 404")).stream()
                .filter(f -> f.target().equals("10.77.0.102:80")).findFirst().orElseThrow();
    }

    private List<Finding> findings(Site site, String from, java.util.function.Function<String, Probe.Answer> answer) {
        PortMatrixCheck check = new PortMatrixCheck(site, playbooks, io.oth.remote.Fleet::sitePort, 3);
        Map<String, Probe.Answer> answers = new LinkedHashMap<>();
        check.probes(Sites.node(site, from)).forEach(p -> answers.put(p.key(), answer.apply(p.key())));
        return check.findings(Sites.node(site, from), answers);
    }
}
