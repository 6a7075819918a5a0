package io.oth.remote;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * SHA-256 in hex, as {@code sha256sum} prints it: how oth and a node agree on the bytes of a file.
 *
 * <p>A large content (a release or program bundle, tens of MB) is hashed once per run, however many
 * nodes and steps ask for it: the digest is remembered for that array, by identity, for as long as
 * the array lives. oth never changes an array once it holds a file's content (bundles, rendered
 * files and uploads are built, then only read), which is what makes the memo exact.
 */
public final class Sha256 {
    /** Below this, hashing costs less than remembering. */
    private static final int MEMO_FROM = 64 * 1024;
    /** Arrays compare by identity, so a weak map keyed by them remembers exactly that array. */
    private static final Map<byte[], String> MEMO = new WeakHashMap<>();

    private Sha256() {
    }

    public static String hex(byte[] bytes) {
        if (bytes.length < MEMO_FROM) {
            return digest(bytes);
        }
        // Two threads asking for one array wait for one digest; different arrays hash side by side.
        synchronized (bytes) {
            String known;
            synchronized (MEMO) {
                known = MEMO.get(bytes);
            }
            if (known != null) {
                return known;
            }
            String computed = digest(bytes);
            synchronized (MEMO) {
                MEMO.put(bytes, computed);
            }
            return computed;
        }
    }

    /**
     * Records {@code hex} as the digest of {@code bytes} without hashing them: for content whose
     * digest is already known from a check of the same unchanged file (a bundle oth checked on an
     * earlier run). A wrong record can only make a node's check of an upload fail.
     */
    public static void remember(byte[] bytes, String hex) {
        if (bytes.length >= MEMO_FROM) {
            synchronized (MEMO) {
                MEMO.put(bytes, hex);
            }
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
