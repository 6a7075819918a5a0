package io.oth.secret;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * A site's backup key: an age X25519 identity ({@code AGE-SECRET-KEY-1...}), which stays in the
 * operator's secrets file, and its recipient ({@code age1...}), which the storage node encrypts
 * every dump to. Encoded as age encodes them (bech32 of the 32-byte scalar and of the public
 * point), so that Debian's {@code age} reads both.
 */
public final class AgeKey {
    private static final String RECIPIENT_HRP = "age";
    private static final String IDENTITY_HRP = "age-secret-key-";

    private AgeKey() {
    }

    /** A new identity, from {@code random}. */
    public static Secret generate(SecureRandom random) {
        byte[] scalar = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, scalar);
        return Secret.of(Bech32.encode(IDENTITY_HRP, scalar).toUpperCase(Locale.ROOT));
    }

    /** The recipient of {@code identity}; refuses text that is not an age X25519 identity (without quoting it). */
    public static String recipient(Secret identity) {
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(identity.reveal().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an age identity: " + e.getMessage());
        }
        if (!decoded.hrp().equals(IDENTITY_HRP) || decoded.data().length != X25519.SCALAR_SIZE
                || !identity.reveal().strip().startsWith("AGE-SECRET-KEY-1")) {
            throw new IllegalArgumentException("not an age X25519 identity (AGE-SECRET-KEY-1...)");
        }
        byte[] point = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(decoded.data(), 0, point, 0);
        return Bech32.encode(RECIPIENT_HRP, point);
    }

    /** Whether {@code text} is an age X25519 recipient, as the backup script is given one. */
    public static boolean isRecipient(String text) {
        try {
            Bech32.Decoded decoded = Bech32.decode(text);
            return decoded.hrp().equals(RECIPIENT_HRP) && decoded.data().length == X25519.POINT_SIZE && text.startsWith("age1");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
