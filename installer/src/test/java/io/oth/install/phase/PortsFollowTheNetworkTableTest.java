package io.oth.install.phase;

import io.oth.check.PortMatrixProbes;
import io.oth.firewall.FirewallRules;
import io.oth.site.ServicePorts;
import io.oth.op.FileOp;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.phase.HostFacts;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.site.Node;
import io.oth.site.PlaybookFiles;
import io.oth.site.Playbooks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of the playbooks with every service port moved: the firewall opens the new ports, every
 * service configuration oth writes (haproxy, traefik, MariaDB and its clients, RabbitMQ, MinIO, the
 * application's settings) uses them, and oth doctor's port matrix probes them. Nothing in the code
 * knows the old ones.
 */
class PortsFollowTheNetworkTableTest {
    /** Each port of roles.yml and where it moves: {@code {port: N, ... name: X}} is rewritten by name. */
    private static final Map<String, String> MOVED = Map.ofEntries(
            Map.entry("{port: 80, proto: tcp, from: [anywhere], name: http,", "{port: 8081, proto: tcp, from: [anywhere], name: http,"),
            Map.entry("{port: 443, proto: tcp, from: [anywhere], name: https,", "{port: 8443, proto: tcp, from: [anywhere], name: https,"),
            Map.entry("{port: 80, proto: tcp, from: [lb], name: traefik,", "{port: 8088, proto: tcp, from: [lb], name: traefik,"),
            Map.entry("{port: 3306,", "{port: 3307,"),
            Map.entry("{port: 5671,", "{port: 5681,"),
            Map.entry("{port: 5672,", "{port: 5682,"),
            Map.entry("{port: 15671,", "{port: 15681,"),
            Map.entry("{port: 15672,", "{port: 15682,"),
            Map.entry("{port: 9000,", "{port: 9100,"));

    private static final Pattern DEV_TCP = Pattern.compile("/dev/tcp/([^/]+)/([0-9]+)");
    /** The load balancer reaches traefik as haproxy does, over mutual TLS: curl's --resolve NAME:PORT:ADDRESS. */
    private static final Pattern MUTUAL_TLS = Pattern.compile("--resolve '?[^: ]+:([0-9]+):([0-9a-f.:\\[\\]]+)");

    @TempDir
    Path dir;
    private Playbooks moved;

    @BeforeEach
    void movePorts() throws Exception {
        Path playbooks = Files.createDirectories(dir.resolve("playbooks"));
        for (String file : List.of("roles.yml", "outbound.yml", "support.yml", "install.yml")) {
            Files.writeString(playbooks.resolve(file), PlaybookFiles.read(file));
        }
        String roles = PlaybookFiles.read("roles.yml");
        for (Map.Entry<String, String> move : MOVED.entrySet()) {
            assertTrue(roles.contains(move.getKey()), move.getKey());
            roles = roles.replace(move.getKey(), move.getValue());
        }
        Files.writeString(playbooks.resolve("roles.yml"), roles);
        moved = Playbooks.read(playbooks);
    }

    @Test
    void theFirewallOpensTheMovedPorts() throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/full.yml", Files.createDirectories(dir.resolve("site")));
        List<String> storage = FirewallRules.forNode(fixture.site, node(fixture, "storage"), facts("storage"), moved).rules();
        for (int port : List.of(5681, 5682, 15681, 15682)) {
            assertTrue(storage.stream().anyMatch(r -> r.contains("tcp dport " + port + " accept")), port + " in " + storage);
        }
        assertFalse(storage.stream().anyMatch(r -> r.contains("dport 5671 ")), storage::toString);
        List<String> lb = FirewallRules.forNode(fixture.site, node(fixture, "lb"), facts("lb"), moved).rules();
        assertTrue(lb.contains("tcp dport 8443 accept comment \"HTTPS to the application\""), lb::toString);
        List<String> app = FirewallRules.forNode(fixture.site, node(fixture, "app1"), facts("app1"), moved).rules();
        assertTrue(app.stream().anyMatch(r -> r.startsWith("ip saddr { 10.77.0.2 } tcp dport 8088 accept")), app::toString);
    }

    @Test
    void theServicesListenOnTheMovedPortsAndTheApplicationUsesThem() throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/minimal.yml", Files.createDirectories(dir.resolve("site")));
        List<Phase> phases = fixture.phases(moved);
        String rabbitmq = file(fixture, phases, "broker", "storage", "/etc/rabbitmq/rabbitmq.conf");
        assertTrue(rabbitmq.contains("listeners.ssl.1 = 10.77.0.20:5681\n"), rabbitmq);
        assertTrue(rabbitmq.contains("management.ssl.port = 15681\n"), rabbitmq);
        String mariadb = file(fixture, phases, "database", "storage", "/etc/mysql/mariadb.conf.d/60-oth.cnf");
        assertTrue(mariadb.contains("\nport = 3307\n"), mariadb);
        String minio = file(fixture, phases, "objects", "storage", "/etc/default/minio");
        assertTrue(minio.contains("--address 10.77.0.20:9100 "), "MinIO's address moved");
        String haproxy = file(fixture, phases, "haproxy", "lb", "/etc/haproxy/haproxy.cfg");
        assertTrue(haproxy.contains("    bind :8081\n"), haproxy);
        assertTrue(haproxy.contains("    bind :8443 ssl "), haproxy);
        assertTrue(haproxy.contains("    server app1 10.77.0.101:8088 ssl "), haproxy);
        String traefik = file(fixture, phases, "traefik", "app1", "/etc/traefik/traefik.yml");
        assertTrue(traefik.contains("address: \":8088\""), traefik);
        String app = file(fixture, phases, "application", "app1", "/etc/oth-app/app.properties");
        assertTrue(app.contains("database.port=3307\n"), app);
        assertTrue(app.contains("broker.port=5681\n"), app);
        assertTrue(app.contains("objects.endpoint=https://10.77.0.20:9100\n"), app);
    }

    @Test
    void plainAmqpListensOnItsMovedPort() throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/full.yml", Files.createDirectories(dir.resolve("site")));
        String rabbitmq = file(fixture, fixture.phases(moved), "broker", "storage", "/etc/rabbitmq/rabbitmq.conf");
        assertTrue(rabbitmq.contains("listeners.tcp.1 = 10.77.0.20:5682\n"), rabbitmq);
        assertTrue(rabbitmq.contains("management.tcp.port = 15682\n"), rabbitmq);
    }

    @Test
    void doctorsPortMatrixProbesTheMovedPorts() throws Exception {
        PhaseFixture minimal = PhaseFixture.of("good/minimal.yml", Files.createDirectories(dir.resolve("minimal")));
        assertEquals(List.of("10.77.0.20:3307", "10.77.0.20:5681", "10.77.0.20:15681", "10.77.0.20:9100"), probed(minimal, "app1"));
        assertEquals(List.of("10.77.0.101:8088", "10.77.0.101:22", "10.77.0.20:22"), probed(minimal, "lb"));
        PhaseFixture full = PhaseFixture.of("good/full.yml", Files.createDirectories(dir.resolve("full")));
        assertEquals(List.of("10.77.0.20:5681", "10.77.0.20:5682", "10.77.0.20:15681", "10.77.0.20:15682"), probed(full, "app1"),
                "the external database and object store are not probed; plain_amqp's ports are");
    }

    /** Where the port matrix connects from {@code node}, read from the scripts it would run there. */
    private List<String> probed(PhaseFixture fixture, String node) {
        return PortMatrixProbes.from(fixture.site, moved, node(fixture, node)).stream().map(p -> {
            Matcher m = DEV_TCP.matcher(p.script());
            if (m.find()) {
                return m.group(1) + ":" + m.group(2);
            }
            Matcher tls = MUTUAL_TLS.matcher(p.script());
            assertTrue(tls.find(), p.script());
            return tls.group(2) + ":" + tls.group(1);
        }).toList();
    }

    @Test
    void aServicePortThePlaybooksNoLongerNameIsNamedInTheError() throws Exception {
        Path copy = dir.resolve("playbooks");
        Files.writeString(copy.resolve("roles.yml"), Files.readString(copy.resolve("roles.yml")).replace(" name: minio,", ""));
        RuntimeException e = assertThrows(RuntimeException.class, () -> ServicePorts.of(Playbooks.read(copy)));
        assertTrue(e.getMessage().endsWith("roles.yml: role storage has no inbound rule named minio (oth configures that service's port from it)"),
                e.getMessage());
    }

    private static String file(PhaseFixture fixture, List<Phase> phases, String phaseName, String nodeName, String path) throws Exception {
        Phase phase = phases.stream().filter(p -> p.name().equals(phaseName)).findFirst().orElseThrow();
        Node node = node(fixture, nodeName);
        HostFacts facts = facts(nodeName);
        List<Operation> ops = phase.operations(new Target(fixture.site, node, facts));
        List<FileOp> files = ops.stream().filter(FileOp.class::isInstance).map(FileOp.class::cast).filter(f -> f.path().equals(path)).toList();
        assertEquals(1, files.size(), path + " in " + phaseName);
        return new String(files.get(0).content().inMemory().orElseThrow(), StandardCharsets.UTF_8);
    }

    private static Node node(PhaseFixture fixture, String name) {
        return fixture.site.node(name).orElseThrow();
    }

    private static HostFacts facts(String node) throws Exception {
        return new HostFacts(node, InitSystem.SYSTEMD, InetAddress.getByName("10.77.0.10"), 22, false);
    }
}
