package io.oth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -F/--ssh-config: on every command that connects, and on site validate, which judges the logins; a broken file stops the run first. */
class SshConfigOptionTest {
    @TempDir
    Path dir;

    private static final String KEYLESS_SITE = """
            fqdn: oth.example.test
            bastion: {address: jump}
            nodes:
              - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}
              - {name: app1, role: app, address: 10.77.0.101}
              - {name: storage, role: storage, address: 10.77.0.20}
            """;

    @Test
    void everyCommandThatConnectsOrJudgesLoginsTakesIt() {
        for (String[] path : new String[][] {{"nodes"}, {"install"}, {"doctor"}, {"setup"}, {"hosts", "trust"}, {"support", "bundle"},
                {"upgrade"}, {"site", "validate"}}) {
            CommandLine cli = OthCommand.commandLine(Prompter.NOBODY);
            for (String name : path) {
                cli = cli.getSubcommands().get(name);
            }
            assertNotNull(cli.getCommandSpec().findOption("-F"), String.join(" ", path));
            assertNotNull(cli.getCommandSpec().findOption("--ssh-config"), String.join(" ", path));
        }
    }

    @Test
    void aBrokenSshConfigStopsTheRunBeforeAnythingConnectsWithFileAndLine() throws Exception {
        Path site = Files.writeString(dir.resolve("site.yml"), KEYLESS_SITE);
        Path config = Files.writeString(dir.resolve("config"), "Host jump\n  Port twenty-two\n");

        Run run = Run.oth("nodes", "--site", site.toString(), "-F", config.toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains(config + ":2: Port: \"twenty-two\" is not a port (expected an integer from 1 to 65535)"), run::toString);
        assertTrue(run.err().contains("nothing was done"), run::toString);
    }

    @Test
    void aSiteWithoutKeysIsValidWhenSshConfigGivesThemAndNamesBothWaysWhenNothingDoes() throws Exception {
        Path site = Files.writeString(dir.resolve("site.yml"), KEYLESS_SITE);
        Path key = Files.writeString(dir.resolve("id_ed25519"), "a private key\n");
        Path config = Files.writeString(dir.resolve("config"), "Host *\n  IdentityFile " + key + "\n");

        Run valid = Run.oth("site", "validate", "--ssh-config", config.toString(), site.toString());
        Run invalid = Run.oth("site", "validate", "-F", "none", site.toString());

        assertEquals(ExitCode.OK.code(), valid.code(), valid::toString);
        assertEquals(ExitCode.USAGE.code(), invalid.code(), invalid::toString);
        assertTrue(invalid.err().contains(site + ":2:10: bastion.key: missing (expected a private key file, here or as ssh.key, "
                + "or ssh-agent holding the key (SSH_AUTH_SOCK is not set), or an IdentityFile for the host in an ssh_config (-F FILE))"), invalid::toString);
    }
}
