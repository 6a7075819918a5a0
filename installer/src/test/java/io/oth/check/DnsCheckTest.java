package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dns.fqdn and dns.nodes from the nodes: getent's answers in, findings out. */
class DnsCheckTest {
    private final Site site = Sites.lab();
    private final DnsCheck check = new DnsCheck(site);

    /**
     * The findings of {@code node} when getent answers each name as {@code outputs} says (no entry
     * or an empty one: not found), as the node's script gives them: one block per name when all
     * are found, else each name after its marker line.
     */
    private List<Finding> seen(String node, Map<String, String> outputs) {
        Map<String, Probe.Answer> answers = new HashMap<>();
        List<String> others = site.nodes().stream().map(Node::name).filter(n -> !n.equals(node)).toList();
        boolean all = others.stream().allMatch(n -> !outputs.getOrDefault(n, "").isEmpty());
        StringBuilder looked = new StringBuilder();
        others.forEach(n -> looked.append(all ? "" : DnsCheck.NAME + n + "\n").append(outputs.getOrDefault(n, "")));
        check.probes(Sites.node(site, node)).forEach(p -> answers.put(p.key(), p.key().equals("dns.nodes")
                ? new Probe.Answer(all ? 0 : 2, looked.toString()) : new Probe.Answer(0, outputs.getOrDefault(p.key(), ""))));
        return check.findings(Sites.node(site, node), answers);
    }

    private static Map<String, String> everyNodeResolves() {
        return new HashMap<>(Map.of("lb", "10.77.0.2       STREAM lb\n10.77.0.2       DGRAM  \n10.77.0.2       RAW    \n",
                "app1", "10.77.0.101     STREAM app1\n10.77.0.101     DGRAM  \n", "app2", "10.77.0.102     STREAM app2.lab.internal\n",
                "storage", "10.77.0.20      STREAM storage\n10.77.0.20      DGRAM  \n"));
    }

    @Test
    void aHealthyAppNodeSeesTheFqdnAndEveryOtherNode() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("dns.fqdn", "203.0.113.53\n203.0.113.20    STREAM oth.example.test\n203.0.113.20    DGRAM");
        List<Finding> findings = seen("app1", outputs);
        assertEquals(List.of("dns.fqdn oth.example.test OK", "dns.nodes lb OK", "dns.nodes app2 OK", "dns.nodes storage OK"),
                findings.stream().map(f -> f.id() + " " + f.target() + " " + f.verdict()).toList());
        assertEquals("resolves to the load balancer 203.0.113.20 (nameserver 203.0.113.53)", findings.get(0).cause());
    }

    @Test
    void aMissingOrWrongRecordNamesTheAnswerAndTheServer() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("dns.fqdn", "203.0.113.53");
        assertEquals("does not resolve (nameserver 203.0.113.53)", seen("app2", outputs).get(0).cause());
        outputs.put("dns.fqdn", "203.0.113.53\n203.0.113.99 STREAM oth.example.test");
        Finding wrong = seen("app2", outputs).get(0);
        assertEquals(Verdict.FAIL, wrong.verdict());
        assertEquals("resolves to 203.0.113.99, not the load balancer's 203.0.113.20 (nameserver 203.0.113.53)", wrong.cause());
    }

    @Test
    void aNodeNameMissingOrElsewhereIsAFailureWithTheHostsFileHint() {
        Map<String, String> outputs = everyNodeResolves();
        outputs.put("app1", "");
        outputs.put("app2", "10.77.0.250 STREAM app2");
        List<Finding> findings = seen("storage", outputs);
        assertEquals(List.of("lb OK", "app1 FAIL does not resolve", "app2 FAIL resolves to 10.77.0.250, not 10.77.0.102"),
                findings.stream().map(f -> f.target() + " " + f.verdict() + (f.verdict() == Verdict.OK ? "" : " " + f.cause())).toList());
        assertEquals("oth install writes the site's names into /etc/hosts; run it, or fix the internal DNS", findings.get(1).hint());
    }

    /** A node's answer in blocks other than the names asked, or sections of names not asked, claims nothing. */
    @Test
    void answersThatCannotBeToldApartResolveNothing() {
        List<String> names = List.of("lb", "app1");
        assertEquals(Map.of(), DnsCheck.answers(names, new Probe.Answer(0, "10.77.0.2 STREAM lb\n")), "one block for two names");
        assertEquals(Map.of("app1", "10.77.0.101 STREAM app1\n"), DnsCheck.answers(names,
                new Probe.Answer(2, DnsCheck.NAME + "storage\n10.77.0.20 STREAM storage\n" + DnsCheck.NAME + "app1\n10.77.0.101 STREAM app1\n"
                        + DnsCheck.NAME + "app1\n10.66.6.6 STREAM app1\n")), "a name not asked, and a second section of one that was, count for nothing");
        assertEquals(Map.of(), DnsCheck.answers(names, null));
    }

    /** The node's script with a getent like glibc's: one lookup when every name is found, one per name after a marker when not. */
    @Test
    void theNodeScriptAsksOnceAndEachNameAgainOnlyWhenOneIsMissing(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Path getent = bin.resolve("getent");
        Files.writeString(getent, "#!/bin/sh\necho \"$*\" >> " + calls + "\nshift; rc=0\nfor h; do case $h in\n"
                + "  lb) printf '10.77.0.2       STREAM lb\\n10.77.0.2       DGRAM  \\n10.77.0.3       STREAM \\n' ;;\n"
                + "  app1) printf '10.77.0.101     STREAM app1\\n' ;;\n  *) rc=2 ;;\nesac; done\nexit $rc\n");
        Files.setPosixFilePermissions(getent, PosixFilePermissions.fromString("rwxr-xr-x"));

        Map<String, String> found = run(dir, bin, List.of("lb", "app1"));
        assertEquals(List.of("ahostsv4 lb app1"), Files.readAllLines(calls), "one lookup for every name");
        assertEquals(List.of("10.77.0.2", "10.77.0.3"), DnsCheck.getentAddresses(found.get("lb")), "both of lb's addresses, in its block");
        assertEquals(List.of("10.77.0.101"), DnsCheck.getentAddresses(found.get("app1")));

        Files.delete(calls);
        found = run(dir, bin, List.of("lb", "gone", "app1"));
        assertEquals(List.of("ahostsv4 lb gone app1", "ahostsv4 lb", "ahostsv4 gone", "ahostsv4 app1"), Files.readAllLines(calls));
        assertEquals(List.of("10.77.0.2", "10.77.0.3"), DnsCheck.getentAddresses(found.get("lb")));
        assertTrue(found.get("gone").isEmpty(), found::toString);
        assertEquals(List.of("10.77.0.101"), DnsCheck.getentAddresses(found.get("app1")));
    }

    private static Map<String, String> run(Path dir, Path bin, List<String> names) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", DnsCheck.lookups(names)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return new LinkedHashMap<>(DnsCheck.answers(names, new Probe.Answer(rc, out)));
    }
}
