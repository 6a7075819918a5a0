package io.oth.site;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What oth installs: the OTH application release bundle and the traefik release bundle (app
 * nodes), and the MinIO release bundle (storage node, when object storage is local). All .tar.gz;
 * optional in the site file, {@code oth install} requires the ones the site needs.
 */
public record Application(Optional<Path> release, Optional<Path> traefik, Optional<Path> minio) {
}
