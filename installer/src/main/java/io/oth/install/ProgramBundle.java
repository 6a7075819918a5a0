package io.oth.install;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A third-party program's release bundle as its project publishes it: a .tar.gz with the
 * executable at its top (traefik, MinIO) and the checksum file beside it, both checked by
 * {@link BundleContents}. The lab's stand-in bundles have the same shape.
 */
public record ProgramBundle(BundleContents contents) {
    /** The executables at the top of the two programs' bundles. */
    public static final String TRAEFIK = "traefik";
    public static final String MINIO = "minio";

    public static ProgramBundle read(Path file, String executable) throws ReleaseBundle.BundleException {
        return read(file, executable, BundleContents.Limits.DEFAULT);
    }

    static ProgramBundle read(Path file, String executable, BundleContents.Limits limits) throws ReleaseBundle.BundleException {
        return of(BundleContents.read(file, Optional.empty(), limits), executable);
    }

    /** A program bundle whose entries passed {@link BundleContents}' checks, with {@code executable} at its top. */
    public static ProgramBundle of(BundleContents contents, String executable) throws ReleaseBundle.BundleException {
        Path file = contents.file();
        if (!contents.hasTopLevelFile(executable)) {
            throw new ReleaseBundle.BundleException(file + ": no " + executable + " executable at the top of the bundle");
        }
        return new ProgramBundle(contents);
    }

    /** The bundle as uploaded: {@link BundleContents#bytes()}. */
    public byte[] bytes() throws ReleaseBundle.BundleException {
        return contents.bytes();
    }

    /** The bundle as a file op uploads it: read only if it is. */
    public io.oth.op.Blob blob() {
        return contents.blob();
    }

    /** The whole bundle's sha256, checked by the node before it unpacks. */
    public String sha256() {
        return contents.sha256();
    }

    /** A short id for directory names: the start of the checksum. */
    public String id() {
        return sha256().substring(0, 12);
    }
}
