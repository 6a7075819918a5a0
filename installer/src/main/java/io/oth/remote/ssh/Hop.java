package io.oth.remote.ssh;

import java.nio.file.Path;
import java.util.List;

/**
 * One SSH login on the way to a host, settled: the site file's values first, then ssh_config's,
 * then oth's defaults. {@code name} is the host as the site file or ProxyJump names it,
 * {@code address} what is dialled (ssh_config's HostName, else the name); {@code label} names it in
 * messages ("bastion b.example", "jump host 2 of 3, j2.example"). {@code keys}: the key files to
 * offer after ssh-agent's keys; with {@code identitiesOnly}, only the agent's keys that match them.
 */
record Hop(String label, String name, String address, int port, String user, List<Path> keys, boolean identitiesOnly) {
    Hop {
        keys = List.copyOf(keys);
    }

    Hop labelled(String newLabel) {
        return new Hop(newLabel, name, address, port, user, keys, identitiesOnly);
    }

    boolean isRoot() {
        return "root".equals(user);
    }
}
