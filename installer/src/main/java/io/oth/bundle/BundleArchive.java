package io.oth.bundle;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A directory as one .tar.gz under a top directory: files 0600, directories 0700, owned by nobody in particular. */
final class BundleArchive {
    private BundleArchive() {
    }

    static void write(Path dir, String top, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip);
             Stream<Path> all = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : all.sorted().toList()) {
                String name = top + (p.equals(dir) ? "" : "/" + dir.relativize(p));
                if (Files.isDirectory(p)) {
                    TarArchiveEntry e = new TarArchiveEntry(name + "/");
                    e.setMode(040700);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                } else if (Files.isRegularFile(p)) {
                    TarArchiveEntry e = new TarArchiveEntry(name);
                    e.setMode(0100600);
                    e.setSize(Files.size(p));
                    tar.putArchiveEntry(e);
                    Files.copy(p, tar);
                    tar.closeArchiveEntry();
                }
            }
            tar.finish();
        }
    }
}
