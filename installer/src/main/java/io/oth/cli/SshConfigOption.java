package io.oth.cli;

import io.oth.remote.ConnectOptions;
import io.oth.site.KeySources;
import io.oth.sshconfig.SshConfig;
import io.oth.sshconfig.SshConfigException;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which OpenSSH client configuration a command reads: {@code -F}/{@code --ssh-config}, as
 * {@code ssh -F}. Together with ssh-agent ({@code SSH_AUTH_SOCK}), what a login takes that the
 * site file leaves out (docs/site-file.md, "ssh_config and ssh-agent").
 */
public final class SshConfigOption {
    /** The value that reads no file, as {@code ssh -F none}. */
    static final String NONE = "none";
    /** What the option defaults to before ~/.ssh/config. */
    static final String VARIABLE = "OTH_SSH_CONFIG";

    @Option(names = {"-F", "--ssh-config"}, paramLabel = "FILE",
            description = {"OpenSSH client configuration for the bastion and the nodes: HostName, Port, User, IdentityFile, "
                    + "IdentitiesOnly, ProxyJump, Include (the site file's own values win). Default: $" + VARIABLE
                    + ", else ~/.ssh/config when it exists; 'none' reads none. Example: -F ~/.ssh/config.oth"})
    String file;

    private KeySources read;

    /**
     * ssh_config and ssh-agent as this run sees them, or empty after printing every problem of the
     * configuration file (each FILE:LINE) to {@code err}; its warnings are printed too. Read once.
     */
    Optional<KeySources> keySources(PrintWriter err) {
        if (read != null) {
            return Optional.of(read);
        }
        Path home = Path.of(System.getProperty("user.home"));
        String given = file != null ? file : System.getenv(VARIABLE);
        Path path = given != null ? Path.of(given.startsWith("~/") ? home + given.substring(1) : given) : home.resolve(".ssh").resolve("config");
        SshConfig config;
        if (NONE.equals(given) || (given == null && !Files.exists(path))) {
            config = SshConfig.NONE;
        } else {
            try {
                config = SshConfig.read(path, home);
            } catch (SshConfigException e) {
                e.problems().forEach(err::println);
                err.println("oth: " + path + ": " + e.problems().size() + " problem(s) in the ssh_config; nothing was done");
                return Optional.empty();
            }
        }
        config.warnings().forEach(w -> err.println("oth: " + w));
        read = KeySources.of(config, System.getenv(ConnectOptions.AGENT_VARIABLE));
        return Optional.of(read);
    }

    /** What {@link #keySources} read; for a step that has already loaded the site with it. */
    KeySources keySources() {
        if (read == null) {
            throw new IllegalStateException("ssh_config is read with the site file, before connecting");
        }
        return read;
    }
}
