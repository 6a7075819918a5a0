package io.oth.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A site file whose bastion refuses at once (a loopback port nothing listens on), for commands run in-process without a lab. */
final class ClosedBastionSite {
    private ClosedBastionSite() {
    }

    /** Writes the site file, its key and an empty known_hosts into {@code dir}; returns the site file. */
    static Path write(Path dir) throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path key = Files.writeString(dir.resolve("id_test"), "not a key: the connection is refused before it is read\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("known_hosts"), "");
        return Files.writeString(dir.resolve("site.yml"), String.join("\n",
                "site: lab",
                "fqdn: oth.example.test",
                // By name: a loopback literal is refused as a bastion's address, a name is not resolved while the site is read.
                "bastion: {address: localhost, port: " + closed + "}",
                "ssh: {key: ./id_test, known_hosts: ./known_hosts}",
                "nodes:",
                "  - {name: lb, role: lb, address: 10.77.0.2, public_address: 203.0.113.20}",
                "  - {name: app1, role: app, address: 10.77.0.101}",
                "  - {name: storage, role: storage, address: 10.77.0.20}",
                ""));
    }
}
