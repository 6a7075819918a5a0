package io.oth.install.phase;

import io.oth.ca.ServiceIdentity;
import io.oth.install.LbToApp;
import io.oth.phase.Target;
import io.oth.site.Node;

import java.util.List;

/** The identity a service's server certificate names (storage services, traefik): the node by its name, its site-internal name and its address. */
final class ServerIdentity {
    private ServerIdentity() {
    }

    static ServiceIdentity of(String service, Target t) {
        Node node = t.node();
        return new ServiceIdentity(service, node.name(), List.of(node.name(), LbToApp.serverName(t.site(), node)),
                List.of(node.address()), ServiceIdentity.Usage.SERVER);
    }
}
