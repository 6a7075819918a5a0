package io.oth.site;

import java.nio.file.Path;

/** Where and as whom oth logs in over SSH. */
public record SshEndpoint(String address, int port, String user, Path key) {

    public boolean isRoot() {
        return "root".equals(user);
    }

    @Override
    public String toString() {
        return user + "@" + (port == SiteLoader.SSH_PORT ? address : Addresses.hostPort(address, port));
    }
}
