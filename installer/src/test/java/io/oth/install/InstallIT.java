package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth install} on the lab, in the order a person would meet it: a first install, a no-op
 * re-run, a hand edit seen by --check, an interrupted run, and a firewall that would lock oth out.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {

    @TempDir
    Path tmp;

    /** This class starts from bare nodes, whatever ran before it in the same lab. */
    @BeforeAll
    static void freshLab(Lab lab) {
        lab.bareNodes();
    }

    @Test
    @Order(1)
    void checkOnAFreshLabPlansEverythingAndChangesNothing(Lab lab) {
        Run run = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(ExitCode.PENDING.code(), run.code(), run::toString);
        assertTrue(run.out().contains("[lb] would write /etc/haproxy/haproxy.cfg (0644 root:root)"), run::toString);
        assertTrue(run.out().contains("[lb] would create /etc/haproxy/certs/oth.example.test.pem (0600 root:root)"), run::toString);
        assertTrue(run.out().contains("content not shown"), run::toString);
        assertFalse(run.out().contains("PRIVATE KEY"), run::toString);
        assertTrue(run.out().contains("[app1] would apply the new firewall ruleset"), run::toString);
        assertEquals(1, lab.tryExec("lb", "test", "-e", "/etc/haproxy/certs").exitCode(), "--check uploaded nothing");
        assertEquals(1, lab.tryExec("app1", "test", "-e", "/opt/oth-app").exitCode(), "--check uploaded nothing");
    }

    @Test
    @Order(2)
    void aFirstInstallServesTheApplicationThroughHaproxyAndTraefik(Lab lab) {
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().matches("(?s).*install: \\d+ change\\(s\\) made, 0 host\\(s\\) failed.*"), run::toString);

        String health = lab.exec("inet", "curl", "-sS", "--fail", "--max-time", "10", "--cacert", "/var/lib/oth-lab/trust/site-root.pem",
                "https://oth.example.test/healthz");
        assertTrue(health.contains("\"status\":\"ok\""), health);
        assertTrue(health.contains("\"version\":\"1.0.0\""), health);
        assertTrue(health.contains("\"node\":\"app"), health);

        String headers = lab.exec("inet", "curl", "-sS", "-k", "-D", "-", "-o", "/dev/null", "https://oth.example.test/");
        assertTrue(headers.toLowerCase().contains("strict-transport-security: max-age=63072000"), headers);

        String redirect = lab.exec("inet", "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                "http://oth.example.test/some/path?x=1");
        assertEquals("301 https://oth.example.test/some/path?x=1", redirect.strip());

        String servers = lab.exec("lb", "sh", "-c", "echo 'show servers state app' | socat stdio UNIX-CONNECT:/run/haproxy/admin.sock");
        assertTrue(servers.contains(" app1 10.77.0.101 ") && servers.contains(" app2 10.77.0.102 "),
                () -> "the runtime API answers, for draining nodes during upgrades\n" + servers);

        Lab.Result oldTls = lab.tryExec("inet", "curl", "-sS", "-k", "--tls-max", "1.1", "--max-time", "5", "https://oth.example.test/");
        assertNotEquals(0, oldTls.exitCode(), "TLS 1.1 must be refused: " + oldTls.output());
    }

    @Test
    @Order(3)
    void theFirewallsFollowTheNetworkTables(Lab lab) {
        assertUnreachable(lab, "inet", "10.77.0.101", 80);
        assertUnreachable(lab, "storage", "10.77.0.101", 80);
        assertUnreachable(lab, "inet", "203.0.113.20", 22);
        assertUnreachable(lab, "app1", "10.77.0.20", 22);
        assertEquals(0, lab.tryExec("lb", "curl", "-sS", "--max-time", "5", "-H", "Host: oth.example.test", "--cacert", "/etc/haproxy/oth-tls/ca.pem",
                "--cert", "/etc/haproxy/oth-tls/client.pem", "--key", "/etc/haproxy/oth-tls/client.pem.key",
                "--resolve", "app1.lab.internal:80:10.77.0.101", "https://app1.lab.internal:80/healthz").exitCode(),
                "the LB reaches app1:80 (mutual TLS, as haproxy)");
        String ruleset = lab.exec("app1", "nft", "list", "ruleset");
        assertTrue(ruleset.contains("policy drop"), ruleset);
        // Loaded again at boot: the lab's nodes run no systemd, so oth's init script is in rcS. A boot, as far as the
        // firewall goes: the start link run in a network namespace of its own, with no ruleset yet
        for (String node : List.of("lb", "app1", "storage")) {
            String live = lab.exec(node, "nft", "-t", "list", "table", "inet", "oth");
            assertEquals(live, lab.exec(node, "unshare", "-n", "sh", "-c", "/etc/rcS.d/S01oth-nftables start && nft -t list table inet oth"),
                    node + " loads the same table when it boots");
        }
        // And oth's own services start at boot too (Debian's packages link theirs)
        assertEquals(0, lab.tryExec("app1", "sh", "-c", "[ -L /etc/rc2.d/S01traefik ] && [ -L /etc/rc2.d/S01oth-app ]").exitCode(), "app1's services are linked");
        assertEquals(0, lab.tryExec("storage", "test", "-L", "/etc/rc2.d/S01minio").exitCode(), "MinIO is linked");
        Run nodes = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, nodes.code(), () -> "oth still gets in everywhere\n" + nodes);
    }

    @Test
    @Order(4)
    void aSecondRunChangesNothing(Lab lab) {
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("install: 0 change(s) made, 0 host(s) failed"), run::toString);
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(0, check.code(), check::toString);
    }

    @Test
    @Order(5)
    void checkAfterAHandEditShowsTheDiffAndChangesNothing(Lab lab) {
        lab.exec("lb", "sh", "-c", "echo '# a hand edit' >> /etc/haproxy/haproxy.cfg");
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(ExitCode.PENDING.code(), check.code(), check::toString);
        assertTrue(check.out().contains("[lb] would write /etc/haproxy/haproxy.cfg"), check::toString);
        assertTrue(check.out().contains("[lb] -# a hand edit"), check::toString);
        assertTrue(check.out().contains("[lb] would reload haproxy"), check::toString);
        assertTrue(lab.exec("lb", "cat", "/etc/haproxy/haproxy.cfg").contains("# a hand edit"), "--check changed nothing");
        Run fix = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, fix.code(), fix::toString);
        assertFalse(lab.exec("lb", "cat", "/etc/haproxy/haproxy.cfg").contains("# a hand edit"));
    }

    @Test
    @Order(6)
    void anInstallKilledHalfwayCompletesWhenRunAgain(Lab lab) throws Exception {
        for (int i = 1; i <= lab.apps(); i++) {
            lab.exec("app" + i, "sh", "-c", "service traefik stop; service oth-app stop; rm -rf /opt/oth-app /opt/traefik /etc/traefik");
        }
        Process oth = Lab.launcher(Map.of(), "install", "--site", lab.site().toString());
        List<String> seen = new ArrayList<>();
        String node = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(oth.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && node == null) {
                seen.add(line);
                if (line.matches("\\[app\\d+\\] == Application nodes: traefik.*")) {
                    node = line.substring(1, line.indexOf(']'));
                }
            }
        }
        // SIGKILL to the JVM itself: while the launcher records its class-data archive, the JVM is its child. A signal is
        // delivered, not obeyed at once: the next run starts once the killed JVM is gone (and with it its lock of the site).
        List<ProcessHandle> jvms = oth.descendants().toList();
        jvms.forEach(ProcessHandle::destroyForcibly);
        oth.destroyForcibly();
        assertTrue(oth.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle jvm : jvms) {
            jvm.onExit().get(30, TimeUnit.SECONDS);
        }
        assertTrue(node != null, () -> "killed while an app node was in the traefik phase\n" + String.join("\n", seen));

        Run again = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("resuming after an interrupted run"), again::toString);
        String killed = node;
        assertFalse(again.out().contains("[" + killed + "] unpack /opt/oth-app/bundles"), () -> killed + "'s application phase had finished\n" + again);
        assertTrue(again.out().contains("[" + killed + "] start traefik"), again::toString);
        assertTrue(lab.exec("inet", "curl", "-sSk", "https://oth.example.test/healthz").contains("\"status\":\"ok\""));
    }

    @Test
    @Order(7)
    void aRulesetThatWouldLockOthOutIsRevertedByTheNode(Lab lab) throws Exception {
        Path playbooks = tmp.resolve("playbooks");
        Files.createDirectories(playbooks);
        for (String file : List.of("roles.yml", "outbound.yml", "support.yml", "install.yml")) {
            Files.copy(Lab.repo().resolve("playbooks").resolve(file), playbooks.resolve(file));
        }
        Path roles = playbooks.resolve("roles.yml");
        String broken = Files.readString(roles).replace("{port: 22, proto: tcp, from: [bastion, lb], name: ssh, why: \"SSH through the bastion or the load balancer\"}",
                "{port: 22, proto: tcp, from: [lb], name: ssh, why: \"SSH from the load balancer only\"}");
        assertNotEquals(Files.readString(roles), broken);
        Files.writeString(roles, broken);
        String before = lab.exec("app1", "cat", "/etc/nftables.conf");
        // Another program's table (a ban list's) is there before, and must be there after, untouched
        lab.exec("app1", "sh", "-c", "nft add table inet banlist && nft add set inet banlist banned '{ type ipv4_addr; }'"
                + " && nft add element inet banlist banned '{ 198.51.100.9 }'");
        String tableBefore = lab.exec("app1", "nft", "-t", "list", "table", "inet", "oth");

        Process oth = Lab.launcher(Map.of("OTH_PLAYBOOKS", playbooks.toString()), "install", "--site", lab.site().toString(), "--firewall-revert", "10");
        String output = new String(oth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(oth.waitFor(180, TimeUnit.SECONDS));
        assertEquals(ExitCode.FAILED.code(), oth.exitValue(), output);
        assertTrue(output.contains("[app1] FAILED in firewall: app1: the new firewall ruleset would lock oth out and was reverted"), output);
        assertTrue(output.contains("no rule lets oth's SSH source 10.77.0.10 reach port 22"), output);
        assertEquals(before, lab.exec("app1", "cat", "/etc/nftables.conf"), "the ruleset file is unchanged");
        assertEquals(tableBefore, lab.exec("app1", "nft", "-t", "list", "table", "inet", "oth"), "oth's live table is the one from before, not none");
        assertTrue(lab.exec("app1", "nft", "list", "set", "inet", "banlist", "banned").contains("198.51.100.9"), "the other table is as it was");
        lab.exec("app1", "nft", "delete", "table", "inet", "banlist");
        Run nodes = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, nodes.code(), () -> "SSH still works\n" + nodes);
    }

    private static void assertUnreachable(Lab lab, String from, String address, int port) {
        Lab.Result r = lab.tryExec(from, "nc", "-z", "-w", "3", address, String.valueOf(port));
        assertNotEquals(0, r.exitCode(), from + " must not reach " + address + ":" + port);
    }
}
