package io.oth.bundle;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Support bundles as .tar.gz for the tests: from file contents, or from a directory as the operator's side packs it. */
final class Archives {
    private Archives() {
    }

    /** {@code files} (name to a String or byte[]) as a .tar.gz at {@code bundle}, compressed at {@code level} (a {@link java.util.zip.Deflater} level). */
    static Path tarGz(Path bundle, int level, Map<String, ?> files) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bundle)) {
            {
                def.setLevel(level);
            }
        }; TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, ?> file : new TreeMap<>(files).entrySet()) {
                byte[] content = file.getValue() instanceof byte[] bytes ? bytes : file.getValue().toString().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bundle;
    }

    /** The regular files under {@code dir} (links left out) by their names relative to it. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                files.put(dir.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
