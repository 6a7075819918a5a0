package io.oth.site;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and as whom oth logs in over SSH, as the site file says: a port, user or key it leaves out
 * comes from ssh_config when that names one, else from oth's defaults (port 22, user root, and
 * for the key ssh-agent's keys).
 */
public record SshEndpoint(String address, Optional<Integer> port, Optional<String> user, Optional<Path> key) {

    /** An endpoint the site file gives every setting of. */
    public SshEndpoint(String address, int port, String user, Path key) {
        this(address, Optional.of(port), Optional.of(user), Optional.of(key));
    }

    /** The user when neither the site file nor ssh_config names one. */
    public static final String DEFAULT_USER = "root";

    @Override
    public String toString() {
        String u = user.orElse(DEFAULT_USER);
        int p = port.orElse(SiteLoader.SSH_PORT);
        return u + "@" + (p == SiteLoader.SSH_PORT ? address : Addresses.hostPort(address, p));
    }
}
