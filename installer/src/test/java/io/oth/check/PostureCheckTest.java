package io.oth.check;

import io.oth.firewall.LiveRuleset;
import io.oth.install.NodeServices;
import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.*: the firewall, the listening sockets, the release and support access, from their probes' output. */
class PostureCheckTest {
    private final Site site = Sites.lab();
    private final PostureCheck check = new PostureCheck(site, Playbooks.load(), io.oth.remote.Fleet::sitePort, Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC));

    /**
     * The findings from these answers. For brevity {@code posture:NODE} is given as a first line
     * {@code 1} (the live ruleset drops by default: {@link #APPLIED}, unless the ruleset's answer is
     * given) or {@code 0} (no ruleset), then one local address per listening socket; they reach the
     * check as the node answers them: the ruleset's listing and {@code ss -ltnH}'s lines.
     */
    private Map<String, Finding> seen(String node, Map<String, String> outputs) {
        Map<String, String> given = new HashMap<>(outputs);
        String posture = given.get("posture:" + node);
        if (posture != null) {
            List<String> lines = posture.lines().toList();
            given.put("posture:" + node, String.join("\n", lines.stream().skip(1)
                    .map(l -> l.contains(":") ? "LISTEN 0      4096   " + l + "      0.0.0.0:*" : l).toList()));
            given.putIfAbsent("ruleset:" + node, lines.get(0).equals("1") ? APPLIED + "\n@@applied\n@@unavailable" : "");
        }
        given.putIfAbsent("boot:" + node, "sysv enabled");
        given.putIfAbsent("boot-services:" + node, String.join("\n", NodeServices.of(Sites.node(site, node), site).stream().map(s -> s + " sysv enabled").toList()));
        Map<String, Finding> byId = new HashMap<>();
        all(node, given).forEach(f -> byId.put(f.id(), f));
        return byId;
    }

    /** Every finding from these answers, as the node gives them (a probe not given answers nothing). */
    private List<Finding> all(String node, Map<String, String> given) {
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, node)).forEach(p -> answers.put(p.key(), new Probe.Answer(0, given.getOrDefault(p.key(), ""))));
        return check.findings(Sites.node(site, node), answers);
    }

    /** posture.boot's findings of the services, as "TARGET VERDICT: CAUSE (HINT)". */
    private List<String> servicesAtBoot(String node, String said) {
        return all(node, Map.of("posture:" + node, "1\n0.0.0.0:22", "boot:" + node, "sysv enabled", "boot-services:" + node, said)).stream()
                .filter(f -> f.id().equals("posture.boot") && !f.target().equals("firewall"))
                .map(f -> f.target() + " " + f.verdict() + ": " + f.cause() + (f.hint().isEmpty() ? "" : " (" + f.hint() + ")")).toList();
    }

    @Test
    void eachServiceOthRunsMustStartAtBootAndOneThatWouldNotIsAFailureSayingHow() {
        assertEquals(List.of("mariadb OK: started at boot (mariadb)",
                "cron FAIL: not started at boot (disabled): after its next restart the node does not run cron (oth install sets it (systemctl enable cron))",
                "rabbitmq-server FAIL: not started at boot (masked): after its next restart the node does not run rabbitmq-server"
                        + " (systemctl unmask rabbitmq-server (was it masked on purpose?), then oth install)",
                "minio FAIL: not started at boot (unknown): after its next restart the node does not run minio (oth install sets it (systemctl enable minio))"),
                servicesAtBoot("storage", "mariadb systemd enabled\ncron systemd disabled\nrabbitmq-server systemd masked\n"));
        assertEquals(List.of("oth-app OK: started at boot (/etc/init.d/oth-app)",
                "traefik FAIL: not started at boot (disabled): after its next restart the node does not run traefik (oth install sets it (update-rc.d traefik defaults))"),
                servicesAtBoot("app1", "oth-app sysv enabled\ntraefik sysv disabled"));
        assertEquals(List.of("haproxy OK: started at boot (haproxy)"), servicesAtBoot("lb", "haproxy systemd enabled"));
    }

    @Test
    void aMaskedFirewallIsMendedByTheOperatorFirstAsInstallRefusesToUnmaskIt() {
        Finding masked = firewallAtBoot("systemd masked");
        assertEquals("not loaded at boot (masked): after its next restart the node has no firewall, every listening port open", masked.cause());
        assertEquals("systemctl unmask nftables.service (is another firewall manager meant to run here?), then oth install", masked.hint());
        assertEquals("oth install sets it (systemctl enable nftables.service)", firewallAtBoot("systemd disabled").hint());
    }

    private Finding firewallAtBoot(String said) {
        return all("lb", Map.of("posture:lb", "1\n0.0.0.0:22", "boot:lb", said)).stream()
                .filter(f -> f.id().equals("posture.boot") && f.target().equals("firewall")).findFirst().orElseThrow();
    }

    @Test
    void aNodesLinesAreReadForItsOwnServicesOnlyTheFirstForEachAndShownEscaped() {
        assertEquals(List.of("oth-app FAIL: not started at boot (\"\\u001b[2Jenabled\"): after its next restart the node does not run oth-app"
                        + " (oth install sets it (systemctl enable oth-app))",
                "traefik FAIL: not started at boot (disabled): after its next restart the node does not run traefik (oth install sets it (update-rc.d traefik defaults))"),
                servicesAtBoot("app1", "haproxy systemd enabled\noth-app systemd \u001b[2Jenabled\ntraefik sysv disabled\ntraefik sysv enabled\n"
                        + "x systemd enabled\n".repeat(10_000)));
        assertEquals(2, servicesAtBoot("app1", "oth-app systemd enabled\n".repeat(100_000)).size());
    }

    @Test
    void aStorageNodeRunningNothingOfOthsIsAskedNothingOfServicesAndItsProbesAreValidShell() throws Exception {
        Storage external = new Storage(new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "oth"))),
                new Storage.Service(Optional.of(new Storage.External("mq.example.com", 5671, "oth"))),
                new Storage.ObjectStore(Optional.of(new Storage.S3("https://s3.example.com", "eu-1", "oth", "AKIAOTH"))), false);
        Site nothingLocal = Sites.lab(external, Set.of());
        PostureCheck posture = new PostureCheck(nothingLocal, Playbooks.load(), io.oth.remote.Fleet::sitePort, Clock.systemUTC());
        assertFalse(posture.probes(Sites.node(nothingLocal, "storage")).stream().anyMatch(p -> p.key().startsWith("boot-services:")));
        for (Site s : List.of(site, nothingLocal)) {
            for (String node : List.of("lb", "app1", "storage")) {
                Process sh = new ProcessBuilder("sh", "-n", "-c", Probe.script(new PostureCheck(s, Playbooks.load(), io.oth.remote.Fleet::sitePort, Clock.systemUTC())
                        .probes(Sites.node(s, node)))).redirectErrorStream(true).start();
                assertEquals(0, sh.waitFor(), node + ": " + new String(sh.getInputStream().readAllBytes()));
            }
        }
    }

    @Test
    void aSupportBundleMadeBeforeTheServicesWereAskedHasNoSuchFindings() {
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(Sites.node(site, "app1")).stream().filter(p -> !p.key().startsWith("boot-services:"))
                .forEach(p -> answers.put(p.key(), new Probe.Answer(0, p.key().startsWith("boot:") ? "sysv enabled" : "")));
        assertEquals(List.of("firewall"), check.findings(Sites.node(site, "app1"), answers).stream().filter(f -> f.id().equals("posture.boot"))
                .map(Finding::target).toList());
    }

    @Test
    void aHealthyAppNodeHasTheRulesetOnlyTableSocketsARelease() {
        Map<String, Finding> f = seen("app1", Map.of("posture:app1", "1\n0.0.0.0:22\n10.77.0.101:80\n127.0.0.1:8080",
                "release:app1", "/opt/oth-app/releases/1.1.0"));
        assertEquals(List.of(Verdict.OK), f.values().stream().map(Finding::verdict).distinct().toList(), f.toString());
        assertEquals("release 1.1.0", f.get("posture.release").target());
        assertEquals("closed", f.get("posture.support").cause());
    }

    /** sshd on the port oth reaches the node on is the table's SSH rule there; 22 is then one more listener. */
    @Test
    void sshdOnThePortOthReachesTheNodeOnIsNoExtraListener() {
        PostureCheck on2222 = new PostureCheck(site, Playbooks.load(), n -> 2222, Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC));
        Node app1 = Sites.node(site, "app1");
        Map<String, Probe.Answer> answers = new HashMap<>();
        on2222.probes(app1).forEach(p -> answers.put(p.key(), new Probe.Answer(0, "")));
        answers.put("posture:app1", new Probe.Answer(0, "LISTEN 0 128 0.0.0.0:2222 0.0.0.0:*\nLISTEN 0 4096 10.77.0.101:80 0.0.0.0:*"));
        Finding listen = on2222.findings(app1, answers).stream().filter(f -> f.id().equals("posture.listen")).findFirst().orElseThrow();
        assertEquals(Verdict.OK, listen.verdict(), listen.toString());
        answers.put("posture:app1", new Probe.Answer(0, "LISTEN 0 128 0.0.0.0:2222 0.0.0.0:*\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*"));
        listen = on2222.findings(app1, answers).stream().filter(f -> f.id().equals("posture.listen")).findFirst().orElseThrow();
        assertEquals(Verdict.WARN, listen.verdict(), listen.toString());
        assertTrue(listen.cause().startsWith("also listens on 0.0.0.0:22 "), listen.cause());
    }

    @Test
    void noRulesetAnExtraListenerAndNoReleaseAreEachNamed() {
        Map<String, Finding> f = seen("app2", Map.of("posture:app2", "0\n0.0.0.0:22\n0.0.0.0:7777\nnot a socket", "release:app2", ""));
        assertEquals(Verdict.FAIL, f.get("posture.firewall").verdict());
        assertEquals("no oth firewall with a default-drop input chain is active", f.get("posture.firewall").cause());
        assertEquals(Verdict.WARN, f.get("posture.listen").verdict());
        assertEquals("also listens on 0.0.0.0:7777 (not in the network table; no default-drop firewall: reachable)", f.get("posture.listen").cause());
        assertEquals(Verdict.FAIL, f.get("posture.release").verdict());
        assertEquals("no application release installed (/opt/oth-app/current -> nothing)", f.get("posture.release").cause());
    }

    @Test
    void onlyAppNodesHaveARelease() {
        assertEquals(null, seen("storage", Map.of("posture:storage", "1\n10.77.0.20:3306")).get("posture.release"));
    }

    private static final String APPLIED = """
            table inet oth {
            	chain input {
            		type filter hook input priority filter; policy drop;
            		ip saddr { 10.77.0.101, 10.77.0.102 } tcp dport 5671 accept comment "RabbitMQ AMQPS"
            		tcp dport 22 accept
            	}
            }""";

    @Test
    void theLiveRulesetAsAppliedIsOk() {
        Map<String, Finding> f = seen("storage", Map.of("posture:storage", "1\n10.77.0.20:5671", "ruleset:storage", APPLIED + "\n@@applied\n" + APPLIED));
        assertEquals(Verdict.OK, f.get("posture.firewall").verdict());
        assertEquals("default drop, oth's ruleset active", f.get("posture.firewall").cause());
    }

    /** fail2ban's table, as its nftables action makes it: not oth's, not drift, named. */
    static final String FAIL2BAN = """
            table inet f2b-table {
            	set addr-set-sshd {
            		type ipv4_addr
            	}
            	chain f2b-chain {
            		type filter hook input priority filter - 1; policy accept;
            		tcp dport 22 ip saddr @addr-set-sshd reject with icmp port-unreachable
            	}
            }""";

    @Test
    void anotherProgramsTableIsNotDriftAndIsNamed() {
        Map<String, Finding> f = seen("storage", Map.of("posture:storage", "1\n10.77.0.20:5671", "ruleset:storage",
                FAIL2BAN + "\n" + APPLIED + "\n@@applied\n" + APPLIED));
        assertEquals(Verdict.OK, f.get("posture.firewall").verdict(), f.get("posture.firewall").toString());
        assertEquals("default drop, oth's ruleset active; table inet f2b-table of other programs left as they are", f.get("posture.firewall").cause());
    }

    @Test
    void anotherTableThatDropsInputByDefaultIsAWarning() {
        String own = FAIL2BAN.replace("f2b-table", "filter").replace("policy accept", "policy drop");
        Map<String, Finding> f = seen("storage", Map.of("posture:storage", "1\n10.77.0.20:5671", "ruleset:storage",
                APPLIED + "\n" + own + "\n" + FAIL2BAN + "\n@@applied\n" + APPLIED));
        Finding warn = f.get("posture.firewall");
        assertEquals(Verdict.WARN, warn.verdict());
        assertTrue(warn.cause().startsWith("default drop, oth's ruleset active; table inet filter of another program drops input by default too"), warn.cause());
        assertFalse(warn.cause().contains("f2b-table"), "a table that accepts by default is not the matter: " + warn.cause());
    }

    @Test
    void aRuleAddedOrRemovedByHandIsDriftNamingTheRule() {
        String live = APPLIED.replace("\t\ttcp dport 22 accept\n", "\t\tip saddr 10.77.0.102 tcp dport 5671 drop\n\t\ttcp dport 7777 accept\n");
        Map<String, Finding> f = seen("storage", Map.of("posture:storage", "1\n0.0.0.0:7777", "ruleset:storage", live + "\n@@applied\n" + APPLIED));
        Finding drift = f.get("posture.firewall");
        assertEquals(Verdict.WARN, drift.verdict());
        assertEquals("the live ruleset drifted from /etc/nftables.conf: extra rule `ip saddr 10.77.0.102 tcp dport 5671 drop`; extra rule "
                + "`tcp dport 7777 accept`; missing rule `tcp dport 22 accept`", drift.cause());
        assertEquals("also listens on 0.0.0.0:7777 (not in the network table; the live ruleset accepts 7777 by `tcp dport 7777 accept`)",
                f.get("posture.listen").cause(), "the claim about reachability comes from the live rules");
    }

    @Test
    void withoutTheAppliedFileNoDriftIsClaimedAndWithoutAFirewallAListenerIsReachable() {
        Map<String, Finding> f = seen("storage", Map.of("posture:storage", "1\n0.0.0.0:7777", "ruleset:storage", APPLIED + "\n@@applied\n@@unavailable"));
        assertEquals(Verdict.OK, f.get("posture.firewall").verdict());
        assertEquals("also listens on 0.0.0.0:7777 (not in the network table; the firewall drops it)", f.get("posture.listen").cause());
        Map<String, Finding> open = seen("storage", Map.of("posture:storage", "0\n0.0.0.0:7777"));
        assertEquals("also listens on 0.0.0.0:7777 (not in the network table; no default-drop firewall: reachable)", open.get("posture.listen").cause());
    }

    @Test
    void aStorageServiceListeningBeyondThePrivateAddressIsNamed() {
        assertEquals("the storage services listen on 10.77.0.20 only",
                seen("storage", Map.of("posture:storage", "1\n10.77.0.20:3306\n[::ffff:10.77.0.20]:9000\n0.0.0.0:22")).get("posture.bind").cause(),
                "a Java listener on the IPv4 address shows IPv4-mapped");
        Finding wide = seen("storage", Map.of("posture:storage", "1\n10.77.0.20:3306\n0.0.0.0:9000\n[::]:9000")).get("posture.bind");
        assertEquals(Verdict.WARN, wide.verdict());
        assertEquals("0.0.0.0:9000, [::]:9000 (install binds them to 10.77.0.20)", wide.cause());
        assertEquals(null, seen("app1", Map.of("posture:app1", "1\n0.0.0.0:80")).get("posture.bind"), "app nodes run no storage service");
    }

    @Test
    void theDefaultDropIsOthsInputChainsPolicyInTheLiveListing() {
        String sets = """
                table inet oth {
                	set support4 {
                		type ipv4_addr
                		flags interval,timeout
                	}

                	chain input {
                		type filter hook input priority filter; policy drop;
                	}
                }""";
        assertEquals(true, LiveRuleset.parse(sets + "\n@@applied\n@@unavailable").dropsInput(), "a set's braces before the chain");
        assertEquals(false, LiveRuleset.parse(sets.replace("policy drop", "policy accept")).dropsInput());
        assertEquals(false, LiveRuleset.parse(sets.replace("inet oth", "inet other")).dropsInput(), "another table's chain");
        assertEquals(false, LiveRuleset.parse(sets.replace("chain input", "chain forward").replace("hook input", "hook forward")).dropsInput(),
                "another hook");
        assertEquals(true, LiveRuleset.parse(sets.replace("chain input", "chain in")).dropsInput(), "the hook counts, not the chain's name");
        assertEquals(false, LiveRuleset.parse("@@applied\n" + sets).dropsInput(), "only the live listing counts, not the applied file");
    }

    @Test
    void theListenersAreTheLocalAddressesOfSsLines() {
        assertEquals(List.of("10.77.0.20:3306", "[::ffff:10.77.0.20]:9000", "0.0.0.0:22"), PostureCheck.listeners(
                "LISTEN 0      80        10.77.0.20:3306       0.0.0.0:*\nLISTEN 0      50   [::ffff:10.77.0.20]:9000             *:*\n"
                        + "LISTEN 0      128          0.0.0.0:22         0.0.0.0:*\ngarbage\n"));
        assertEquals(List.of("0.0.0.0:22", "0.0.0.0:7777"), PostureCheck.listeners("1\n0.0.0.0:22\n0.0.0.0:7777\n"),
                "a support bundle's answer from before: a count, then the addresses");
    }
}
