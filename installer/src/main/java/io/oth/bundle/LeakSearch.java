package io.oth.bundle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds many byte strings at once in a buffer: each needle is indexed by its first four bytes, and
 * a bit set over those prefixes lets almost every position of the text pass after one multiply and
 * one lookup. Fifty secrets in ten forms over tens of megabytes take a fraction of a second.
 * Besides the needles it finds PEM private key headers ({@code -----BEGIN ... PRIVATE KEY-----}),
 * whoever's key they begin.
 */
final class LeakSearch {
    /** A text to look for; {@code pemHeader} marks the start of a private key header, checked further on a hit. */
    record Needle(byte[] bytes, String secretName, String form, boolean pemHeader) {
    }

    private static final byte[] PEM_START = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEM_END = "PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII);
    /** The longest key type between the two: "ENCRYPTED", "OPENSSH", "RSA", "EC", "DSA"... with room to spare. */
    private static final int PEM_TYPE = 32;
    private static final int FILTER_BITS = 20;

    private final Map<Integer, List<Needle>> byPrefix = new HashMap<>();
    private final long[] filter = new long[1 << (FILTER_BITS - 6)];
    private final int longest;

    LeakSearch(List<Needle> needles) {
        List<Needle> all = new ArrayList<>(needles);
        all.add(new Needle(PEM_START, BundleVerifier.PEM_PRIVATE_KEY, "PEM header", true));
        int max = PEM_START.length + PEM_TYPE + PEM_END.length;
        for (Needle needle : all) {
            if (needle.bytes().length < 4) {
                throw new IllegalArgumentException("a needle of fewer than 4 bytes");
            }
            int prefix = prefix(needle.bytes(), 0);
            int bit = hash(prefix);
            filter[bit >>> 6] |= 1L << bit;
            byPrefix.computeIfAbsent(prefix, p -> new ArrayList<>()).add(needle);
            max = Math.max(max, needle.bytes().length);
        }
        longest = max;
    }

    /** How many bytes a match may span: text scanned in pieces must overlap by one less. */
    int longest() {
        return longest;
    }

    /** Calls {@code found} with each needle that occurs within {@code text[from, to)}, once per occurrence. */
    void search(byte[] text, int from, int to, Consumer<Needle> found) {
        int window = 0;
        for (int i = from; i < to; i++) {
            window = (window << 8) | (text[i] & 0xff);
            if (i - from < 3) {
                continue;
            }
            int bit = hash(window);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) {
                continue;
            }
            List<Needle> candidates = byPrefix.get(window);
            if (candidates == null) {
                continue;
            }
            int start = i - 3;
            for (Needle needle : candidates) {
                int end = start + needle.bytes().length;
                if (end <= to && Arrays.equals(text, start, end, needle.bytes(), 0, needle.bytes().length)
                        && (!needle.pemHeader() || isPrivateKeyHeader(text, end, to))) {
                    found.accept(needle);
                }
            }
        }
    }

    /** Whether {@code -----BEGIN } is followed, at {@code at}, by a key type and {@code PRIVATE KEY-----}. */
    private static boolean isPrivateKeyHeader(byte[] text, int at, int to) {
        for (int i = at; i <= at + PEM_TYPE && i < to; i++) {
            if (i + PEM_END.length <= to && Arrays.equals(text, i, i + PEM_END.length, PEM_END, 0, PEM_END.length)) {
                return true;
            }
            byte b = text[i];
            if (!(b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == ' ')) {
                return false;
            }
        }
        return false;
    }

    private static int prefix(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | (bytes[at + 3] & 0xff);
    }

    private static int hash(int prefix) {
        return (prefix * 0x9E3779B1) >>> (32 - FILTER_BITS);
    }
}
