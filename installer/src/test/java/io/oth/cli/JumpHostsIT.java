package io.oth.cli;

import io.oth.lab.Lab;
import io.oth.remote.ssh.TestAgent;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More than one jump host, against the lab: the bastion twice, first at its public address, then
 * at its private one (10.77.0.10) through itself. Nothing of oth's configures the bastion, so this
 * holds whatever the test classes before it installed on the nodes.
 */
@ExtendWith(LabExtension.class)
class JumpHostsIT {
    private static final String BASTION_PUBLIC = "203.0.113.10";
    private static final String BASTION_PRIVATE = "10.77.0.10";

    @TempDir
    Path tmp;

    @Test
    void bastionJumpReachesEveryNodeThroughTwoHopsEachWithItsHostKeyChecked(Lab lab) throws Exception {
        Path site = write("site.yml", lab.siteText().replace("  address: " + BASTION_PUBLIC + "\n",
                "  address: " + BASTION_PRIVATE + "\n  jump:\n    - {address: " + BASTION_PUBLIC + "}\n"));

        Run run = Run.oth("nodes", "--site", site.toString(), "--known-hosts", knownHosts(lab, false).toString());

        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), run::toString);
    }

    @Test
    void aChangedKeyOnTheSecondHopNamesThatHopAndNoNodeIsContacted(Lab lab) throws Exception {
        Path site = write("site.yml", lab.siteText().replace("  address: " + BASTION_PUBLIC + "\n",
                "  address: " + BASTION_PRIVATE + "\n  jump:\n    - {address: " + BASTION_PUBLIC + "}\n"));

        Run run = Run.oth("nodes", "--site", site.toString(), "--known-hosts", knownHosts(lab, true).toString());

        assertEquals(ExitCode.HOST_KEY.code(), run.code(), run::toString);
        assertTrue(run.err().contains("jump host 2 of 2 (bastion), " + BASTION_PRIVATE + ": HOST KEY CHANGED: " + BASTION_PRIVATE + " offered "),
                run::toString);
        assertEquals("", run.out(), "no node was contacted");
    }

    @Test
    void aKeylessSiteLogsInWithSshAgentThroughAnSshConfigAliasWithTwoProxyJumpHops(Lab lab) throws Exception {
        String keyless = lab.siteText().lines().filter(l -> !l.strip().startsWith("key: "))
                .map(l -> l.equals("  address: " + BASTION_PUBLIC) ? "  address: inner-bastion" : l)
                .collect(Collectors.joining("\n", "", "\n"));
        Path site = write("site.yml", keyless);
        Path config = write("ssh_config", "Host inner-bastion\n    HostName " + BASTION_PRIVATE + "\n    ProxyJump root@outer-bastion:22\n"
                + "Host outer-bastion\n    HostName " + BASTION_PUBLIC + "\n");
        Path socket = tmp.resolve("agent.sock");
        try (TestAgent agent = TestAgent.start(socket, lab.key())) {
            String validate = launch(socket, "site", "validate", "-F", config.toString(), site.toString());
            assertTrue(validate.contains(": ok"), validate);
            String nodes = launch(socket, "nodes", "--site", site.toString(), "-F", config.toString(), "--known-hosts",
                    knownHosts(lab, false).toString());
            assertTrue(nodes.contains((lab.apps() + 2) + " of " + (lab.apps() + 2) + " nodes ok"), nodes);
            String withoutAgent = launch(null, "site", "validate", "-F", config.toString(), site.toString());
            assertTrue(withoutAgent.contains("bastion.key: missing (expected a private key file, here or as ssh.key, or ssh-agent holding the key"),
                    withoutAgent);
            assertFalse(withoutAgent.contains(": ok"), withoutAgent);
        }
    }

    /** Runs the launcher with {@code SSH_AUTH_SOCK} set to {@code socket} (none when null); its output, after checking the exit code suits. */
    private static String launch(Path socket, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString())));
        argv.addAll(List.of(args));
        ProcessBuilder oth = new ProcessBuilder(argv).redirectErrorStream(true);
        oth.environment().remove("SSH_AUTH_SOCK");
        if (socket != null) {
            oth.environment().put("SSH_AUTH_SOCK", socket.toString());
        }
        Process run = oth.start();
        String out = new String(run.getInputStream().readAllBytes());
        int code = run.waitFor();
        assertEquals(socket == null ? ExitCode.USAGE.code() : 0, code, out);
        return out;
    }

    /** The lab's known_hosts, with the bastion's keys recorded under its private address too (an impostor's, with {@code changed}). */
    private Path knownHosts(Lab lab, boolean changed) throws Exception {
        String original = Files.readString(lab.knownHosts());
        String impostor = changed ? impostorKey() : null;
        String inner = original.lines().filter(l -> l.startsWith(BASTION_PUBLIC + " "))
                .map(l -> changed ? BASTION_PRIVATE + " " + impostor : BASTION_PRIVATE + l.substring(BASTION_PUBLIC.length()))
                .distinct().collect(Collectors.joining("\n", "", "\n"));
        return write("known_hosts", original + inner);
    }

    private String impostorKey() throws Exception {
        Path key = tmp.resolve("impostor");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "impostor", "-f", key.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        String[] fields = Files.readString(Path.of(key + ".pub")).trim().split(" ");
        return fields[0] + " " + fields[1];
    }

    private Path write(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
