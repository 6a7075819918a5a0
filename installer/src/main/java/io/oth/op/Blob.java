package io.oth.op;

import io.oth.remote.Sha256;

import java.io.IOException;
import java.util.Optional;

/**
 * The content of a file oth writes on a node, with its length and sha256: bytes in memory, or a
 * local file checked earlier (a release bundle of tens of MB) whose bytes are read only when they
 * are uploaded. A run that uploads nothing, a no-op, then never reads or holds them: reading
 * 50 MB into fresh memory and carrying it through the collector cost a no-op half a second.
 */
public final class Blob {
    /** Reads a checked file again; refuses (with why) a file that is no longer the one checked. */
    @FunctionalInterface
    public interface Source {
        byte[] read() throws IOException;
    }

    private final long length;
    private final String sha256;
    private final Source source;
    private byte[] bytes;

    private Blob(long length, String sha256, Source source, byte[] bytes) {
        this.length = length;
        this.sha256 = sha256;
        this.source = source;
        this.bytes = bytes;
    }

    /** Bytes in memory; their sha256 is computed when first asked for. */
    public static Blob of(byte[] bytes) {
        return new Blob(bytes.length, null, null, bytes);
    }

    /**
     * A file of {@code length} bytes whose sha256 is already known from its check; {@code source}
     * reads it when the bytes are first needed and must refuse a file that changed since.
     */
    public static Blob later(long length, String sha256, Source source) {
        return new Blob(length, sha256, source, null);
    }

    public long length() {
        return length;
    }

    public String sha256() {
        return sha256 != null ? sha256 : Sha256.hex(bytes);
    }

    /** The bytes, read once and then kept (a run that uploads a bundle uploads it to several nodes). */
    public synchronized byte[] bytes() throws IOException {
        if (bytes == null) {
            byte[] read = source.read();
            if (read.length != length) {
                throw new IOException("it is " + read.length + " bytes now, " + length + " when it was checked");
            }
            Sha256.remember(read, sha256);
            bytes = read;
        }
        return bytes;
    }

    /** The bytes when they are in memory (text oth rendered, or a file already read), without reading anything. */
    public synchronized Optional<byte[]> inMemory() {
        return Optional.ofNullable(bytes);
    }
}
