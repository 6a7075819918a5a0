package io.oth.site;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What oth installs on the application nodes: the OTH application release bundle and the traefik
 * release bundle (both .tar.gz). Optional in the site file; {@code oth install} requires them.
 */
public record Application(Optional<Path> release, Optional<Path> traefik) {
}
