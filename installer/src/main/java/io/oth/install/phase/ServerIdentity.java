package io.oth.install.phase;

import io.oth.ca.ServiceIdentity;
import io.oth.phase.Target;
import io.oth.site.Node;

import java.util.List;

/** The identity a storage service's server certificate names: the node by its name, its site-internal name and its address. */
final class ServerIdentity {
    private ServerIdentity() {
    }

    static ServiceIdentity of(String service, Target t) {
        Node node = t.node();
        return new ServiceIdentity(service, node.name(), List.of(node.name(), node.name() + "." + t.site().name() + ".internal"),
                List.of(node.address()), ServiceIdentity.Usage.SERVER);
    }
}
