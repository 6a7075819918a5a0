package io.oth.phase;

import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.site.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a node reports is input: typed, or a named refusal for that node. */
class HostFactsTest {

    private static Map<String, Probe.Answer> answers(String key, String value) {
        Map<String, Probe.Answer> a = new HashMap<>(Map.of(
                "hostname", new Probe.Answer(0, "app2"),
                "init", new Probe.Answer(0, "sysv"),
                "source", new Probe.Answer(0, "10.77.0.10 22"),
                "forwarding", new Probe.Answer(0, "0"),
                "leftovers", new Probe.Answer(0, "")));
        a.put(key, new Probe.Answer(0, value));
        return a;
    }

    @Test
    void aHealthyAnswerBecomesTypedFacts() throws RemoteException {
        HostFacts f = HostFacts.parse("app2", answers("leftovers", "/etc/haproxy/haproxy.cfg.oth-tmp.0123456789ab.Xy12zz\n"));
        assertEquals("app2", f.hostname());
        assertEquals(InitSystem.SYSV, f.init());
        assertEquals(Addresses.ipLiteral("10.77.0.10").orElseThrow(), f.sshSource());
        assertEquals(22, f.sshPort());
        assertFalse(f.forwarding());
        assertEquals(List.of("\"/etc/haproxy/haproxy.cfg.oth-tmp.0123456789ab.Xy12zz\""), f.leftovers());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("source", "10.250.0.1 } tcp dport 0-65535 accept",
                        "app2: facts: SSH session \"10.250.0.1 } tcp dport 0-65535 accept\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10", "app2: facts: SSH session \"10.77.0.10\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10 0", "app2: facts: SSH session \"10.77.0.10 0\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10 65536", "app2: facts: SSH session \"10.77.0.10 65536\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10 22,80", "app2: facts: SSH session \"10.77.0.10 22,80\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10 0x16", "app2: facts: SSH session \"10.77.0.10 0x16\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10 22\n2222", "app2: facts: SSH session \"10.77.0.10 22\\n2222\" is not its source address and the port it arrived on"),
                Arguments.of("source", "10.77.0.10\n10.250.0.1", "app2: facts: SSH source address \"10.77.0.10\\n10.250.0.1\" is not an IP address"),
                Arguments.of("source", "db.example.com", "app2: facts: SSH source address \"db.example.com\" is not an IP address"),
                Arguments.of("source", "010.77.0.10", "app2: facts: SSH source address \"010.77.0.10\" is not an IP address"),
                Arguments.of("source", "fe80::1%eth0", "app2: facts: SSH source address \"fe80::1%eth0\" is not an IP address"),
                Arguments.of("source", "127.0.0.1", "app2: facts: SSH source address 127.0.0.1 is loopback, not where an SSH session comes from"),
                Arguments.of("source", "0.0.0.0", "app2: facts: SSH source address 0.0.0.0 is unspecified, not where an SSH session comes from"),
                Arguments.of("source", "255.255.255.255", "app2: facts: SSH source address 255.255.255.255 is broadcast, not where an SSH session comes from"),
                Arguments.of("source", "ff02::1", "app2: facts: SSH source address ff02::1 is multicast, not where an SSH session comes from"),
                Arguments.of("source", "x".repeat(5000), "app2: facts: SSH source address \"" + "x".repeat(80) + "\" (5000 characters, cut) is not an IP address"),
                Arguments.of("hostname", "app2; rm -rf /", "app2: facts: hostname \"app2; rm -rf /\" is not a host name (RFC 1123)"),
                Arguments.of("hostname", "a".repeat(300), "app2: facts: hostname \"" + "a".repeat(80) + "\" (300 characters, cut) is not a host name (RFC 1123)"),
                Arguments.of("init", "upstart", "app2: facts: init system \"upstart\" is neither systemd nor sysv"),
                Arguments.of("forwarding", "yes", "app2: facts: ip_forward \"yes\" is neither 0 nor 1"),
                Arguments.of("forwarding", "\u001b[2J1", "app2: facts: ip_forward \"\\u001b[2J1\" is neither 0 nor 1"));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String key, String value, String message) {
        RemoteException e = assertThrows(RemoteException.class, () -> HostFacts.parse("app2", answers(key, value)));
        assertEquals(message, e.getMessage());
        assertEquals(Failure.FACT_REFUSED, e.failure());
    }

    @Test
    void aNodeWithoutAnSshSourceIsRefused() {
        Map<String, Probe.Answer> a = answers("source", "");
        a.put("source", new Probe.Answer(1, ""));
        RemoteException e = assertThrows(RemoteException.class, () -> HostFacts.parse("app2", a));
        assertTrue(e.getMessage().startsWith("app2: facts: no SSH source address"), e.getMessage());
    }

    @Test
    void theNodeThatSeesAnotherSourceThanTheOthersIsNamed() throws RemoteException {
        Map<String, HostFacts> all = new LinkedHashMap<>();
        for (String n : List.of("lb", "app1", "storage")) {
            all.put(n, HostFacts.parse(n, answers("hostname", n)));
        }
        assertEquals(Map.of(), HostFacts.disagreeing(all));
        all.put("app2", HostFacts.parse("app2", answers("source", "10.77.0.99 22")));
        assertEquals(Map.of("app2", "facts: this node sees oth's SSH come from 10.77.0.99, the others from 10.77.0.10; its firewall lets in only what it reported itself"),
                HostFacts.disagreeing(all));
    }

    /** The script under a real sh: the facts this machine's kernel has, the source from SSH_CONNECTION or, without it, from an ancestor's. */
    @Test
    void theScriptReadsTheKernelsFilesAndTheSessionsSource() throws Exception {
        String script = HostFacts.script(false, List.of());
        ProcessBuilder direct = new ProcessBuilder("sh", "-c", script);
        direct.environment().put("SSH_CONNECTION", "10.77.0.10 50022 10.77.0.101 22");
        HostFacts facts = HostFacts.parse("here", Probe.parse(new String(direct.start().getInputStream().readAllBytes())));
        assertEquals(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip(), facts.hostname());
        assertEquals("/10.77.0.10", facts.sshSource().toString());
        assertEquals(22, facts.sshPort());
        assertEquals(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_forward")).strip().equals("1"), facts.forwarding());

        // As sudo leaves it: not in the shell's environment, but in its parent's (this sh, started with it).
        ProcessBuilder dropped = new ProcessBuilder("sh", "-c", "env -u SSH_CONNECTION sh -c \"$0\"", script);
        dropped.environment().put("SSH_CONNECTION", "10.77.0.11 50022 10.77.0.101 2222");
        HostFacts fromParent = HostFacts.parse("here", Probe.parse(new String(dropped.start().getInputStream().readAllBytes())));
        assertEquals("/10.77.0.11", fromParent.sshSource().toString());
        assertEquals(2222, fromParent.sshPort());
    }
}
