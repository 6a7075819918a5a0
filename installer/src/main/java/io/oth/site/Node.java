package io.oth.site;

import java.util.Optional;

/** One node of the site. {@code ssh.address()} is the private address the bastion reaches. */
public record Node(String name, String role, String address, Optional<String> publicAddress, SshEndpoint ssh) {
}
