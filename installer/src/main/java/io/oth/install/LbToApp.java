package io.oth.install;

import io.oth.remote.Command;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Site;

/**
 * The hop from the load balancer to an app node's traefik, over mutual TLS: haproxy asks for the
 * node's site-internal name (SNI), checks the certificate against the site CA and that name, and
 * presents its own client certificate, which traefik requires. Whatever else talks to traefik from
 * the load balancer (the upgrade's health checks, doctor's ports.lb-app) goes the same way.
 */
public final class LbToApp {
    private LbToApp() {
    }

    /** The name an app node's traefik certificate carries beside the node's own name and address, and which haproxy checks. */
    public static String serverName(Site site, Node app) {
        return app.name() + "." + site.name() + ".internal";
    }

    /**
     * curl's options and URL for {@code path} on {@code app}'s traefik, from the load balancer:
     * verified against the site CA and the node's site-internal name, with haproxy's client
     * certificate, connecting to the node's address whatever the name resolves to.
     */
    public static String curl(Site site, Node app, int port, String path) {
        String name = serverName(site, app);
        return "--cacert " + Command.quote(NodeLayout.HAPROXY_SITE_CA) + " --cert " + Command.quote(NodeLayout.HAPROXY_CLIENT_CERTIFICATE)
                + " --key " + Command.quote(NodeLayout.HAPROXY_CLIENT_KEY)
                + " --resolve " + Command.quote(name + ":" + port + ":" + Addresses.urlHost(app.address()))
                + " " + Command.quote("https://" + name + ":" + port + path);
    }
}
