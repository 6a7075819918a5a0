package io.oth.install;

import io.oth.op.FileOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A traefik release bundle as traefik publishes it: a .tar.gz with the {@code traefik} executable
 * at its top. (The lab's stand-in bundle has the same shape.)
 */
public record TraefikBundle(Path file, byte[] bytes, String sha256) {

    public static TraefikBundle read(Path file) throws ReleaseBundle.BundleException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseBundle.BundleException(file + ": cannot read: " + e.getMessage());
        }
        if (!ReleaseBundle.entries(file, bytes).containsKey("traefik")) {
            throw new ReleaseBundle.BundleException(file + ": no traefik executable at the top of the bundle");
        }
        return new TraefikBundle(file, bytes, FileOp.sha256(bytes));
    }
}
