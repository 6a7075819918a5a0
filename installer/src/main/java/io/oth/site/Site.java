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
        List<SshEndpoint> jumps,
        int credentialsMaxAgeDays) {
    /** How old a credential oth generated may get before install and doctor warn: {@code credentials.max_age_days}'s default. */
    public static final int CREDENTIALS_MAX_AGE_DAYS = 90;

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

    /** A site with the default limit on the age of its credentials. */
    public Site(Path file, String name, String fqdn, Optional<SshEndpoint> bastion, Optional<Path> knownHosts, List<Node> nodes,
                Set<String> features, Storage storage, Optional<Path> certificateBundle, List<String> supportAddresses,
                Application application, List<Waiver> waivers, List<SshEndpoint> jumps) {
        this(file, name, fqdn, bastion, knownHosts, nodes, features, storage, certificateBundle, supportAddresses, application, waivers, jumps,
                CREDENTIALS_MAX_AGE_DAYS);
    }

    public List<Node> nodesWithRole(String role) {
        return nodes.stream().filter(n -> n.role().equals(role)).toList();
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
