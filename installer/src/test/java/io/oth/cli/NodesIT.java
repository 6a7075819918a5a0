package io.oth.cli;

import io.oth.lab.Lab;
import io.oth.remote.ssh.TestAgent;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth nodes} and {@code oth hosts trust} against real sshd hosts behind a real bastion. */
@ExtendWith(LabExtension.class)
class NodesIT {

    @TempDir
    Path tmp;

    @Test
    void everyNodeAnswersThroughTheBastion(Lab lab) {
        Run run = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        for (String node : nodeNames(lab)) {
            assertTrue(Pattern.compile("(?m)^" + node + "\\s+\\S+\\s+10\\.77\\.0\\.\\d+\\s+" + node + "\\s+Debian").matcher(run.out()).find(),
                    () -> node + " row with its own hostname and OS\n" + run);
        }
        assertTrue(run.out().contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), run::toString);
    }

    @Test
    void aNodeWithSshdStoppedIsReportedAndTheOthersAreFine(Lab lab) {
        lab.exec("app2", "service", "ssh", "stop");
        try {
            Run run = Run.oth("nodes", "--site", lab.site().toString());
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(row(run, "app2").contains("refused SSH from the bastion"), run::toString);
            assertTrue(row(run, "app1").endsWith("ok"), run::toString);
            assertTrue(row(run, "storage").endsWith("ok"), run::toString);
            assertTrue(run.err().contains("app2: refused SSH from the bastion: 10.77.0.102:22"), run::toString);
        } finally {
            lab.exec("app2", "service", "ssh", "start");
        }
    }

    /**
     * A node whose sshd takes the connection and never speaks (stopped with SIGSTOP: the kernel
     * still accepts on its socket): through the bastion, sshj would wait for its identification
     * line for ever, and every command that reaches the nodes with it. It is named after --timeout;
     * the others are fine. The bastion in the same state (bounded by its socket's own timeout) was
     * "connection lost: Read timed out", with a hint that it had dropped the connection.
     */
    @Test
    void aNodeOrBastionWhoseSshdTakesTheConnectionAndSaysNothingIsNamedAfterTheTimeout(Lab lab) {
        String sshd = "$(cat /run/sshd.pid 2>/dev/null || pgrep -o -x sshd)";
        lab.exec("app2", "sh", "-c", "kill -STOP " + sshd);
        try {
            Run run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.oth("nodes", "--timeout", "3", "--site", lab.site().toString()));
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(row(run, "app2").contains("took the SSH connection and did not answer"), run::toString);
            assertTrue(row(run, "app1").endsWith("ok"), run::toString);
            assertTrue(run.err().contains("app2: took the SSH connection and did not answer: 10.77.0.102:22: no SSH identification within 3 s"),
                    run::toString);
        } finally {
            lab.exec("app2", "sh", "-c", "kill -CONT " + sshd);
        }
        lab.exec("bastion", "sh", "-c", "kill -STOP " + sshd);
        try {
            Run run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.oth("nodes", "--timeout", "3", "--site", lab.site().toString()));
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(run.err().contains("bastion 203.0.113.10: bastion took the SSH connection and did not answer: 203.0.113.10:22: no SSH identification"
                    + " within 3 s"), run::toString);
        } finally {
            lab.exec("bastion", "sh", "-c", "kill -CONT " + sshd);
        }
        Run again = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, again.code(), again::toString);
    }

    @Test
    void aNodeWhoseSshdNeverAnswersTheLoginIsNamedAsSilentNotAsARefusedKey(Lab lab) {
        // sshd asks an AuthorizedKeysCommand that never ends (a directory lookup that hangs) once the
        // key is in no authorized_keys file: the login is neither accepted nor refused.
        String reload = "kill -HUP $(cat /run/sshd.pid) && sleep 0.5";
        lab.exec("app2", "sh", "-c", "printf '#!/bin/sh\\nexec sleep 60\\n' > /usr/local/sbin/oth-test-hang-keys && chmod 755 /usr/local/sbin/oth-test-hang-keys"
                + " && printf 'AuthorizedKeysCommand /usr/local/sbin/oth-test-hang-keys\\nAuthorizedKeysCommandUser nobody\\n'"
                + " > /etc/ssh/sshd_config.d/zz-oth-test-hang.conf && mv /root/.ssh/authorized_keys /root/.ssh/authorized_keys.oth-test && " + reload);
        try {
            Run run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.oth("nodes", "--timeout", "3", "--site", lab.site().toString()));
            assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
            assertTrue(row(run, "app2").contains("took the SSH connection and did not answer"), run::toString);
            assertTrue(row(run, "app1").endsWith("ok"), run::toString);
            assertTrue(run.err().contains("app2: took the SSH connection and did not answer: root with key "), run::toString);
            assertTrue(run.err().contains(": no answer to the login within 3 s (an AuthorizedKeysCommand, PAM or directory lookup that hangs?)"), run::toString);
            assertFalse(run.err().contains("was not accepted"), run::toString);
        } finally {
            lab.exec("app2", "sh", "-c", "mv /root/.ssh/authorized_keys.oth-test /root/.ssh/authorized_keys; rm -f /etc/ssh/sshd_config.d/zz-oth-test-hang.conf"
                    + " /usr/local/sbin/oth-test-hang-keys; pkill -u nobody -x sleep; " + reload);
        }
        Run again = Run.oth("nodes", "--site", lab.site().toString());
        assertEquals(0, again.code(), again::toString);
    }

    @Test
    void aChangedNodeKeyIsRefusedWithBothFingerprints(Lab lab) throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        String original = Files.readString(lab.knownHosts());
        String otherKey = newPublicKey("impostor");
        String changed = original.lines()
                .map(l -> l.startsWith("10.77.0.101 ssh-ed25519 ") ? "10.77.0.101 " + otherKey : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(knownHosts, changed);
        Run run = Run.oth("nodes", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(ExitCode.HOST_KEY.code(), run.code(), run::toString);
        assertTrue(row(run, "app1").contains("HOST KEY CHANGED"), run::toString);
        assertTrue(row(run, "app1").contains(" -  "), () -> "nothing read from app1\n" + run);
        Matcher both = Pattern.compile("app1: HOST KEY CHANGED: 10\\.77\\.0\\.101 offered ssh-ed25519 (SHA256:\\S+) but .* records (SHA256:\\S+);")
                .matcher(run.err());
        assertTrue(both.find(), run::toString);
        assertFalse(both.group(1).equals(both.group(2)));
        assertTrue(row(run, "app2").endsWith("ok"), run::toString);
    }

    @Test
    void anUnknownBastionKeyIsRefusedWithTheTrustHint(Lab lab) throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, Files.readString(lab.knownHosts()).lines()
                .filter(l -> !l.startsWith("203.0.113.10 ")).collect(Collectors.joining("\n", "", "\n")));
        Run run = Run.oth("nodes", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(ExitCode.HOST_KEY.code(), run.code(), run::toString);
        assertTrue(run.err().matches("(?s).*bastion 203\\.0\\.113\\.10: unknown host key: 203\\.0\\.113\\.10 offered \\S+ SHA256:\\S+, .*oth hosts trust.*"),
                run::toString);
        assertEquals("", run.out(), "no node was contacted");
    }

    @Test
    void aWrongKeyFileIsAnAuthenticationErrorNamingTheHost(Lab lab) throws Exception {
        Path wrongKey = newKeyFile("wrong");
        Path site = siteVariant(lab, lab.siteText().replace(lab.key().toString(), wrongKey.toString()));
        Run run = Run.oth("nodes", "--site", site.toString());
        assertEquals(ExitCode.AUTH.code(), run.code(), run::toString);
        assertTrue(run.err().contains("bastion 203.0.113.10: authentication failed on the bastion: root with key " + wrongKey), run::toString);
    }

    @Test
    void aWrongKeyForOneNodeFailsOnlyThatNode(Lab lab) throws Exception {
        Path wrongKey = newKeyFile("wrong-node");
        String text = lab.siteText().replaceFirst("(address: 10\\.77\\.0\\.101)", "$1\n    key: " + wrongKey);
        Run run = Run.oth("nodes", "--site", siteVariant(lab, text).toString());
        assertEquals(ExitCode.AUTH.code(), run.code(), run::toString);
        assertTrue(row(run, "app1").contains("authentication failed"), run::toString);
        assertTrue(row(run, "app2").endsWith("ok"), run::toString);
    }

    @Test
    void rsaAndEcdsaKeysInEitherFileFormatAndAnEncryptedKeyLogInToo(Lab lab) throws Exception {
        // oth's SSH runs on the JDK's crypto providers: every key kind and file format a customer
        // may have must still load and sign.
        String passphrase = "correct horse battery";
        Map<String, Path> keys = new java.util.LinkedHashMap<>();
        keys.put("storage", newKeyFile("rsa-openssh", "", "-t", "rsa", "-b", "3072"));
        keys.put("app1", newKeyFile("rsa-pem", "", "-t", "rsa", "-b", "2048", "-m", "PEM"));
        keys.put("app2", newKeyFile("ecdsa", "", "-t", "ecdsa", "-b", "256"));
        keys.put("lb", newKeyFile("ed25519-encrypted", passphrase, "-t", "ed25519"));
        String text = lab.siteText();
        for (Map.Entry<String, Path> node : keys.entrySet()) {
            String pub = Files.readString(Path.of(node.getValue() + ".pub")).trim();
            lab.exec(node.getKey(), "sh", "-c", "printf '%s\\n' '" + pub + "' >>/root/.ssh/authorized_keys");
            String address = Files.readAllLines(lab.dir().resolve("hosts.tsv")).stream().map(l -> l.split("\t"))
                    .filter(f -> f[0].equals(node.getKey())).flatMap(f -> java.util.Arrays.stream(f[4].split(",")))
                    .filter(a -> a.startsWith("10.77.")).findFirst().orElseThrow();
            text = text.replaceFirst("(address: " + java.util.regex.Pattern.quote(address) + ")", "$1\n    key: " + node.getValue());
        }
        for (Path key : keys.values()) {
            assertTrue(text.contains("key: " + key), text);
        }
        ProcessBuilder oth = new ProcessBuilder(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString()),
                "nodes", "--site", siteVariant(lab, text).toString()).redirectErrorStream(true);
        oth.environment().put("OTH_KEY_PASSPHRASE", passphrase);
        oth.environment().remove("SSH_AUTH_SOCK");
        Process run = oth.start();
        String out = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor(), out);
        assertTrue(out.contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), out);
        assertFalse(out.contains(passphrase), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecdsa-sha2-nistp256", "ssh-rsa"})
    void hostKeysOfEveryKindAreVerified(String type, Lab lab) throws Exception {
        // A known_hosts that records only this kind of key makes every hop offer it.
        Path knownHosts = tmp.resolve("known_hosts-" + type);
        Files.writeString(knownHosts, Files.readString(lab.knownHosts()).lines()
                .filter(l -> l.split("\\s+").length > 1 && l.split("\\s+")[1].equals(type)).map(l -> l + "\n").reduce("", String::concat));
        assertEquals(lab.apps() + 4, Files.readAllLines(knownHosts).size(), () -> "one " + type + " key per host in " + lab.knownHosts());
        Run run = Run.oth("nodes", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), run::toString);
    }

    @Test
    void sudoWithoutPasswordWorksAndSudoNeedingOneIsNamed(Lab lab) throws Exception {
        String text = lab.siteText()
                .replaceFirst("(address: 10\\.77\\.0\\.101)", "$1\n    user: oth")
                .replaceFirst("(address: 10\\.77\\.0\\.102)", "$1\n    user: ops");
        Run run = Run.oth("nodes", "--site", siteVariant(lab, text).toString());
        assertEquals(ExitCode.AUTH.code(), run.code(), run::toString);
        assertTrue(row(run, "app1").endsWith("ok"), run::toString);
        assertTrue(row(run, "app2").contains("sudo needs a password"), run::toString);
    }

    @Test
    void aBadSiteFileIsRejectedWithFileAndLine(Lab lab) throws Exception {
        Path site = siteVariant(lab, lab.siteText().replace("address: 10.77.0.101", "address: 10.77.0.301"));
        Run run = Run.oth("nodes", "--site", site.toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(Pattern.compile(Pattern.quote(site.toString()) + ":\\d+:\\d+: nodes\\[\\d+\\]\\.address: ").matcher(run.err()).find(), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void trustRecordsKeysAPersonConfirmsAndOnlyThose(Lab lab) throws Exception {
        Path knownHosts = tmp.resolve("trusted_hosts");
        Run.Answers person = new Run.Answers("y", "y", "n", "y", "y");
        Run run = Run.oth(person, "hosts", "trust", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString(),
                "--concurrency", "1");
        assertTrue(person.asked.size() >= 2, run::toString);
        assertTrue(run.out().contains("bastion 203.0.113.10 (203.0.113.10) offers this"), run::toString);
        assertTrue(run.out().contains("SHA256:"), run::toString);
        assertEquals(ExitCode.HOST_KEY.code(), run.code(), () -> "one key was refused\n" + run);

        Run again = Run.oth("nodes", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(ExitCode.HOST_KEY.code(), again.code(), again::toString);
        long unknown = again.out().lines().filter(l -> l.contains("unknown host key")).count();
        assertEquals(1, unknown, again::toString);
    }

    @Test
    void trustFromAKnownHostsFileNeedsNoPersonAndThenNodesIsGreen(Lab lab) {
        Path knownHosts = tmp.resolve("from_file");
        Run trust = Run.oth("hosts", "trust", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString(),
                "--from", lab.knownHosts().toString());
        assertEquals(0, trust.code(), trust::toString);
        assertTrue(trust.out().contains((lab.apps() + 3) + " new host key(s) recorded"), trust::toString);
        Run nodes = Run.oth("nodes", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(0, nodes.code(), nodes::toString);
    }

    @Test
    void withoutATerminalTrustAsksNobodyAndRefuses(Lab lab) {
        Path knownHosts = tmp.resolve("nobody");
        Run run = Run.oth("hosts", "trust", "--site", lab.site().toString(), "--known-hosts", knownHosts.toString());
        assertEquals(ExitCode.HOST_KEY.code(), run.code(), run::toString);
        assertTrue(run.err().contains("no terminal to confirm the key of bastion"), run::toString);
        assertFalse(Files.exists(knownHosts) && !readQuietly(knownHosts).isBlank(), "nothing recorded");
    }

    @Test
    void aBastionThatRefusesIsToldApartFromOneThatIsUnreachableOrSilent(Lab lab) throws Exception {
        Run refused = Run.oth("nodes", "--site", siteVariant(lab, lab.siteText().replace("address: 203.0.113.10", "address: 203.0.113.10\n  port: 2222"))
                .toString());
        assertEquals(ExitCode.UNREACHABLE.code(), refused.code(), refused::toString);
        assertTrue(refused.err().contains("bastion 203.0.113.10: bastion refused the connection: 203.0.113.10:2222"), refused::toString);

        // the lab's operator has an unreachable route to the private network
        Run unreachable = Run.oth("nodes", "--site", siteVariant(lab, lab.siteText().replace("address: 203.0.113.10", "address: 10.77.0.10")).toString());
        assertEquals(ExitCode.UNREACHABLE.code(), unreachable.code(), unreachable::toString);
        assertTrue(unreachable.err().contains("bastion 10.77.0.10: bastion unreachable: 10.77.0.10:22"), unreachable::toString);

        // routed into the lab's "internet", where nothing answers and nothing says so
        Run silent = Run.oth("nodes", "--timeout", "2", "--site",
                siteVariant(lab, lab.siteText().replace("address: 203.0.113.10", "address: 198.51.100.99")).toString());
        assertEquals(ExitCode.UNREACHABLE.code(), silent.code(), silent::toString);
        assertTrue(silent.err().contains("bastion 198.51.100.99: bastion did not answer in time: 198.51.100.99:22"), silent::toString);
    }

    @Test
    void keysInSshAgentAreUsedWhenTheKeyFileIsNotAccepted(Lab lab) throws Exception {
        Path socket = tmp.resolve("agent.sock");
        try (TestAgent agent = TestAgent.start(socket, lab.key())) {
            Path site = siteVariant(lab, lab.siteText().replace(lab.key().toString(), newKeyFile("not-authorized").toString()));
            ProcessBuilder oth = new ProcessBuilder(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString()),
                    "nodes", "--site", site.toString()).redirectErrorStream(true);
            oth.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process run = oth.start();
            String out = new String(run.getInputStream().readAllBytes());
            assertEquals(0, run.waitFor(), out);
            assertTrue(out.contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), out);
        }
    }

    private static List<String> nodeNames(Lab lab) {
        List<String> names = new java.util.ArrayList<>(List.of("lb", "storage"));
        for (int i = 1; i <= lab.apps(); i++) {
            names.add("app" + i);
        }
        return names;
    }

    private static String row(Run run, String node) {
        return run.out().lines().filter(l -> l.startsWith(node + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + node + "\n" + run)).strip();
    }

    private Path siteVariant(Lab lab, String text) throws IOException {
        Path site = tmp.resolve("site.yml");
        Files.writeString(site, text);
        return site;
    }

    private Path newKeyFile(String name) throws Exception {
        return newKeyFile(name, "", "-t", "ed25519");
    }

    private Path newKeyFile(String name, String passphrase, String... kind) throws Exception {
        Path key = tmp.resolve(name);
        List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen", "-q"));
        command.addAll(List.of(kind));
        command.addAll(List.of("-N", passphrase, "-C", name, "-f", key.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    private String newPublicKey(String name) throws Exception {
        return Files.readString(Path.of(newKeyFile(name) + ".pub")).trim();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
