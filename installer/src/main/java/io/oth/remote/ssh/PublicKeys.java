package io.oth.remote.ssh;

import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

import java.util.Optional;

/** OpenSSH public keys as the SSH library reads them: whether a type is known and a key blob decodes. */
public final class PublicKeys {
    private PublicKeys() {
    }

    /** Whether {@code type} (the first word of a .pub line) is an SSH public key type. */
    public static boolean isKeyType(String type) {
        return KeyType.fromString(type) != KeyType.UNKNOWN;
    }

    /** What is wrong with a key {@code blob} that a .pub line says is a {@code type} key, or empty when it decodes as one. */
    public static Optional<String> problem(String type, byte[] blob) {
        try {
            String inner = new Buffer.PlainBuffer(blob).readString();
            if (!inner.equals(type)) {
                return Optional.of("the line says " + type + " but the key inside is " + inner);
            }
            new Buffer.PlainBuffer(blob).readPublicKey();
            return Optional.empty();
        } catch (Buffer.BufferException | RuntimeException e) {
            return Optional.of("the " + type + " key does not decode (" + e.getMessage() + "); is it cut short?");
        }
    }
}
