package io.oth.check;

import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.SshEndpoint;
import io.oth.site.Site;
import io.oth.site.Storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The lab's shape as a site value, for doctor's hermetic tests: lb, app1, app2, storage behind a bastion. */
final class Sites {
    static final Storage ALL_LOCAL = new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()),
            new Storage.ObjectStore(Optional.empty()), false);

    private Sites() {
    }

    static Site lab() {
        return lab(ALL_LOCAL, Set.of("android_push", "ios_push", "sms", "video"));
    }

    static Site lab(Storage storage, Set<String> features) {
        return lab(storage, features, "203.0.113.20", Optional.empty());
    }

    /** The lab with the load balancer's public address at {@code lbPublic} and the customer's certificate bundle at {@code bundle}. */
    static Site lab(Storage storage, Set<String> features, String lbPublic, Optional<Path> bundle) {
        SshEndpoint ssh = new SshEndpoint("x", 22, "oth", Path.of("/k"));
        List<Node> nodes = List.of(
                new Node("lb", "lb", "10.77.0.2", Optional.of(lbPublic), ssh),
                new Node("app1", "app", "10.77.0.101", Optional.empty(), ssh),
                new Node("app2", "app", "10.77.0.102", Optional.empty(), ssh),
                new Node("storage", "storage", "10.77.0.20", Optional.empty(), ssh));
        return new Site(Path.of("/site.yml"), "lab", "oth.example.test", Optional.of(new SshEndpoint("203.0.113.10", 22, "oth", Path.of("/k"))),
                Optional.empty(), nodes, features, storage, bundle, List.of(), new Application(Optional.empty(), Optional.empty(), Optional.empty()),
                List.of());
    }

    static Node node(Site site, String name) {
        return site.node(name).orElseThrow();
    }
}
