package io.oth.site;

import io.oth.sshconfig.SshConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a login's key comes from when the site file names none: an IdentityFile that ssh_config
 * gives for the host, or the keys of a running ssh-agent ({@code agent}: its socket, when
 * {@code SSH_AUTH_SOCK} names one; {@code agentState} says why there is none otherwise).
 */
public record KeySources(SshConfig sshConfig, Optional<Path> agent, String agentState) {
    /** Neither: only the site file's keys. */
    public static final KeySources NONE = new KeySources(SshConfig.NONE, Optional.empty(), "SSH_AUTH_SOCK is not set");

    /** The agent that {@code sshAuthSock} (the environment variable's value, or null) names, and ssh_config. */
    public static KeySources of(SshConfig sshConfig, String sshAuthSock) {
        if (sshAuthSock == null || sshAuthSock.isBlank()) {
            return new KeySources(sshConfig, Optional.empty(), NONE.agentState());
        }
        Path socket = Path.of(sshAuthSock);
        return Files.exists(socket) ? new KeySources(sshConfig, Optional.of(socket), "SSH_AUTH_SOCK=" + socket)
                : new KeySources(sshConfig, Optional.empty(), "SSH_AUTH_SOCK names " + socket + ", which does not exist");
    }

    /** Whether a login to {@code address} as {@code user} on {@code port} has a key without the site file's. */
    boolean cover(String address, Optional<Integer> port, Optional<String> user, Path home) {
        if (agent.isPresent()) {
            return true;
        }
        var host = sshConfig.lookup(address);
        String hostName = host.hostName().orElse(address);
        int p = port.or(host::port).orElse(SiteLoader.SSH_PORT);
        String u = user.or(host::user).orElse(SshEndpoint.DEFAULT_USER);
        return host.identityFiles(home, hostName, p, u).stream().anyMatch(Files::isRegularFile);
    }

    /** The other ways to give a key, for the message when there is none. */
    String alternatives() {
        String config = sshConfig == SshConfig.NONE ? "an ssh_config (-F FILE)" : sshConfig.name();
        return "ssh-agent holding the key (" + agentState + "), or an IdentityFile for the host in " + config;
    }
}
