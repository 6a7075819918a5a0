package io.oth.standin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which buckets have SSE-S3 as their default encryption (PutBucketEncryption), kept in
 * {@code DIR/.standin-encryption.json} so that it outlives a restart, as MinIO keeps it in the
 * bucket's metadata. Written through a temporary file and a rename.
 */
final class DefaultEncryption {
    static final String FILE_NAME = ".standin-encryption.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Set<String> buckets;

    private DefaultEncryption(Path file, Set<String> buckets) {
        this.file = file;
        this.buckets = buckets;
    }

    /** Reads the file in the data directory, or starts with no bucket encrypted when there is none. */
    static DefaultEncryption open(Path dataDir) throws StandInException {
        Path file = dataDir.resolve(FILE_NAME);
        Set<String> buckets = new TreeSet<>();
        if (Files.exists(file)) {
            try {
                ObjectNode state = (ObjectNode) JSON.readTree(file.toFile());
                state.fields().forEachRemaining(entry -> {
                    if (!"AES256".equals(entry.getValue().asText())) {
                        throw new IllegalArgumentException("bucket " + entry.getKey() + ": only AES256 (SSE-S3) is known");
                    }
                    buckets.add(entry.getKey());
                });
            } catch (IOException | ClassCastException | IllegalArgumentException e) {
                throw StandInException.refused(file + ": not the stand-in's bucket encryption settings (" + e.getMessage() + ")", e);
            }
        }
        return new DefaultEncryption(file, buckets);
    }

    synchronized boolean encrypts(String bucket) {
        return buckets.contains(bucket);
    }

    synchronized Set<String> buckets() {
        return Set.copyOf(buckets);
    }

    /** Turns SSE-S3 on ({@code true}) or off for the bucket; saves only when that changes something. */
    synchronized void set(String bucket, boolean on) {
        if (on ? buckets.add(bucket) : buckets.remove(bucket)) {
            save();
        }
    }

    private void save() {
        ObjectNode state = JSON.createObjectNode();
        buckets.forEach(bucket -> state.put(bucket, "AES256"));
        try {
            Path temp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), state);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot save the bucket encryption settings", e);
        }
    }
}
