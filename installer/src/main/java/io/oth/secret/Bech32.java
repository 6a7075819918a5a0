package io.oth.secret;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173, the original checksum, not bech32m) as age writes its keys: a human-readable
 * part, {@code 1}, the data in 5-bit groups and a 6-character checksum, in one case. age lifts
 * BIP 173's 90-character limit; so does this class, which takes at most {@link #MAX} characters.
 */
final class Bech32 {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    /** Far above any age key (an identity is 74 characters): longer text is refused before it is read. */
    static final int MAX = 200;

    /** A decoded string: its human-readable part (lower case) and its bytes. */
    record Decoded(String hrp, byte[] data) {
    }

    private Bech32() {
    }

    /** Lower-case bech32 of {@code data} under {@code hrp}. */
    static String encode(String hrp, byte[] data) {
        byte[] values = regroup(data, 8, 5, true);
        byte[] checksum = checksum(hrp, values);
        StringBuilder out = new StringBuilder(hrp.length() + 1 + values.length + 6).append(hrp).append('1');
        for (byte v : values) {
            out.append(CHARSET.charAt(v));
        }
        for (byte v : checksum) {
            out.append(CHARSET.charAt(v));
        }
        return out.toString();
    }

    /** Decodes {@code text}, all upper or all lower case; refuses a bad length, character, checksum or padding. */
    static Decoded decode(String text) {
        if (text.length() > MAX) {
            throw new IllegalArgumentException("longer than " + MAX + " characters");
        }
        if (!text.equals(text.toLowerCase(Locale.ROOT)) && !text.equals(text.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed case");
        }
        String s = text.toLowerCase(Locale.ROOT);
        int separator = s.lastIndexOf('1');
        if (separator < 1 || separator + 7 > s.length()) {
            throw new IllegalArgumentException("no human-readable part or checksum");
        }
        String hrp = s.substring(0, separator);
        for (char c : hrp.toCharArray()) {
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("a character out of range in the human-readable part");
            }
        }
        byte[] values = new byte[s.length() - separator - 1];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(s.charAt(separator + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("a character that is not bech32");
            }
            values[i] = (byte) v;
        }
        if (polymod(expanded(hrp, values)) != 1) {
            throw new IllegalArgumentException("the checksum does not match");
        }
        byte[] payload = new byte[values.length - 6];
        System.arraycopy(values, 0, payload, 0, payload.length);
        return new Decoded(hrp, regroup(payload, 5, 8, false));
    }

    private static byte[] checksum(String hrp, byte[] values) {
        byte[] expanded = expanded(hrp, values);
        byte[] padded = new byte[expanded.length + 6];
        System.arraycopy(expanded, 0, padded, 0, expanded.length);
        int mod = polymod(padded) ^ 1;
        byte[] checksum = new byte[6];
        for (int i = 0; i < 6; i++) {
            checksum[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return checksum;
    }

    private static byte[] expanded(String hrp, byte[] values) {
        byte[] out = new byte[hrp.length() * 2 + 1 + values.length];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = (byte) (hrp.charAt(i) >>> 5);
            out[hrp.length() + 1 + i] = (byte) (hrp.charAt(i) & 31);
        }
        System.arraycopy(values, 0, out, hrp.length() * 2 + 1, values.length);
        return out;
    }

    private static int polymod(byte[] values) {
        int chk = 1;
        for (byte v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) == 1) {
                    chk ^= GENERATOR[i];
                }
            }
        }
        return chk;
    }

    private static byte[] regroup(byte[] data, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int max = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : data) {
            acc = (acc << from) | (b & ((1 << from) - 1));
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (to - bits)) & max);
            }
        } else if (bits >= from || ((acc << (to - bits)) & max) != 0) {
            throw new IllegalArgumentException("bad padding");
        }
        return out.toByteArray();
    }
}
