package io.oth.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated site: everything oth needs to know to reach and configure the nodes.
 * Built only by {@link SiteLoader}; every path is absolute (resolved against the site file).
 * {@code jumps}: the hosts oth passes through, in order, before the bastion ({@code bastion.jump}).
 */
public record Site(
        Path file,
        String name,
        String fqdn,
        Optional<SshEndpoint> bastion,
        Optional<Path> knownHosts,
        List<Node> nodes,
        Set<String> features,
        Storage storage,
        Optional<Path> certificateBundle,
        List<String> supportAddresses,
        Application application,
        List<Waiver> waivers,
        List<SshEndpoint> jumps) {

    public Site {
        jumps = List.copyOf(jumps);
        waivers = List.copyOf(waivers);
        nodes = List.copyOf(nodes);
        features = Set.copyOf(features);
        supportAddresses = List.copyOf(supportAddresses);
    }

    /** A site whose bastion, if it has one, is reached directly (no {@code bastion.jump}). */
    public Site(Path file, String name, String fqdn, Optional<SshEndpoint> bastion, Optional<Path> knownHosts, List<Node> nodes,
                Set<String> features, Storage storage, Optional<Path> certificateBundle, List<String> supportAddresses,
                Application application, List<Waiver> waivers) {
        this(file, name, fqdn, bastion, knownHosts, nodes, features, storage, certificateBundle, supportAddresses, application, waivers, List.of());
    }

    public List<Node> nodesWithRole(String role) {
        return nodes.stream().filter(n -> n.role().equals(role)).toList();
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
