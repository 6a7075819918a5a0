package io.oth.backup;

import io.oth.remote.Sha256;
import io.oth.secret.PrivateFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The encrypted backups pulled to the operator's side ({@code oth backup pull}): one file
 * {@code ID.sql.gz.age} each, 0600 in a 0700 directory of the site's state, written through a
 * temporary file and a rename. Only files whose names are backup ids are ever read or deleted.
 */
public final class OperatorCopies {
    private final Path dir;

    public OperatorCopies(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The copies held, id to size in bytes, sorted by id. */
    public SortedMap<String, Long> held() throws IOException {
        SortedMap<String, Long> held = new TreeMap<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return held;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "oth-*" + Backups.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - Backups.SUFFIX.length());
                if (Backups.isId(id) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    held.put(id, Files.size(file));
                }
            }
        }
        return held;
    }

    /** The copy of {@code id}, if there is one. */
    public Optional<byte[]> read(String id) throws IOException {
        Path file = file(id);
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    /** The sha-256 of the copy of {@code id}, if there is one. */
    public Optional<String> sha256(String id) throws IOException {
        return read(id).map(Sha256::hex);
    }

    /** Keeps {@code bytes} as the copy of {@code id}: 0600 from the first byte, replaced atomically. */
    public void write(String id, byte[] bytes) throws IOException {
        PrivateFiles.createDirectory(dir);
        Path temp = Files.createTempFile(dir, "." + id + ".", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            Files.move(temp, file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes the copies made more than {@code days} days before {@code now}; answers their ids. */
    public List<String> expire(Instant now, int days) throws IOException {
        List<String> removed = new ArrayList<>();
        for (String id : held().keySet()) {
            if (Backups.madeAt(id).isBefore(now.minus(Duration.ofDays(days)))) {
                Files.deleteIfExists(file(id));
                removed.add(id);
            }
        }
        return removed;
    }

    private Path file(String id) {
        Backups.checkId(id);
        return dir.resolve(id + Backups.SUFFIX);
    }
}
