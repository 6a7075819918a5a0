package io.oth.install;

import io.oth.op.FileOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A third-party program's release bundle as its project publishes it: a .tar.gz with the
 * executable at its top (traefik, MinIO). The lab's stand-in bundles have the same shape.
 */
public record ProgramBundle(Path file, byte[] bytes, String sha256) {

    public static ProgramBundle read(Path file, String executable) throws ReleaseBundle.BundleException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseBundle.BundleException(file + ": cannot read: " + e.getMessage());
        }
        if (!ReleaseBundle.contains(file, bytes, executable)) {
            throw new ReleaseBundle.BundleException(file + ": no " + executable + " executable at the top of the bundle");
        }
        return new ProgramBundle(file, bytes, FileOp.sha256(bytes));
    }

    /** A short id for directory names: the start of the checksum. */
    public String id() {
        return sha256.substring(0, 12);
    }
}
