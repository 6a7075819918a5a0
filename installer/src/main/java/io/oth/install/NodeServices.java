package io.oth.install;

import io.oth.site.LocalServices;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The services oth install runs on a node, by their init names (systemd's units, Debian's init
 * scripts): each must run, and start again when the node boots. Which node runs which follows
 * playbooks/install.yml: a service belongs to the phase that starts it, and runs on the roles of
 * that phase (a storage service's only while the site runs that service on its storage node).
 */
public final class NodeServices {
    public static final String HAPROXY = "haproxy";
    public static final String APPLICATION = NodeLayout.APP_SERVICE;
    public static final String TRAEFIK = "traefik";
    public static final String MARIADB = "mariadb";
    /** Runs the database backups. */
    public static final String CRON = "cron";
    public static final String RABBITMQ = "rabbitmq-server";
    public static final String MINIO = "minio";

    /** A service, and the storage service of roles.yml whose phase starts it (none: every node of the phase's roles). */
    private record Started(String service, Optional<String> storage) {
    }

    /** Install's phases that start a service, by their names in playbooks/install.yml. */
    private static final Map<String, Started> BY_PHASE = Map.of(
            "haproxy", new Started(HAPROXY, Optional.empty()),
            "application", new Started(APPLICATION, Optional.empty()),
            "traefik", new Started(TRAEFIK, Optional.empty()),
            "database", new Started(MARIADB, Optional.of("database")),
            "backups", new Started(CRON, Optional.of("database")),
            "broker", new Started(RABBITMQ, Optional.of("broker")),
            "objects", new Started(MINIO, Optional.of("objects")));

    private NodeServices() {
    }

    /** The services install runs on {@code node}, in the order of its phases. */
    public static List<String> of(Node node, Site site) {
        return InstallPlaybook.load().phases().stream()
                .filter(phase -> phase.roles().contains(node.role()) && BY_PHASE.containsKey(phase.name()))
                .map(phase -> BY_PHASE.get(phase.name()))
                .filter(started -> started.storage().map(s -> LocalServices.runsLocally(site, s)).orElse(true))
                .map(Started::service).distinct().toList();
    }
}
