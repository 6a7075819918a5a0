package io.oth.install;

import io.oth.site.Site;

/** Which storage services run on the storage node, by the service names playbooks/roles.yml uses. */
public final class LocalServices {
    private LocalServices() {
    }

    public static boolean runsLocally(Site site, String service) {
        return switch (service) {
            case "database" -> site.storage().database().isLocal();
            case "broker" -> site.storage().broker().isLocal();
            case "objects" -> site.storage().objects().isLocal();
            default -> throw new IllegalStateException("playbooks/roles.yml names an unknown service: " + service);
        };
    }
}
