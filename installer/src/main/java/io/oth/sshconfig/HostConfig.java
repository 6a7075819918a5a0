package io.oth.sshconfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What ssh_config says for one host, as oth dials it ({@code given}): each value the first one the
 * file gives, IdentityFile every one in order (unexpanded: its tokens need the final host, port and user),
 * ProxyJump an empty list for {@code none}.
 */
public record HostConfig(String given, Optional<String> hostName, Optional<Integer> port, Optional<String> user,
                         List<String> identityFiles, Optional<List<Jump>> proxyJump, Optional<Boolean> identitiesOnly) {

    public HostConfig {
        identityFiles = List.copyOf(identityFiles);
    }

    /** The IdentityFiles with {@code ~} and their tokens expanded for a login to {@code hostName}:{@code port} as {@code user}. */
    public List<Path> identityFiles(Path home, String hostName, int port, String user) {
        return identityFiles.stream().map(f -> SshConfig.expandIdentity(f, home, given, hostName, port, user)).toList();
    }
}
