package io.oth.standin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * MinIO's single static KMS key, {@code MINIO_KMS_SECRET_KEY=NAME:BASE64} (32 bytes, standard
 * base64), as MinIO parses it: everything before the first colon is the key's name, the rest must
 * decode to exactly 32 bytes. It seals the per-object data keys of SSE-S3 (AES-256-GCM), with the
 * key's name and what the caller binds (the object's bucket and name) as associated data, so that
 * a sealed key opens only under this KMS key and for that object.
 */
final class KmsKey {
    static final String VARIABLE = "MINIO_KMS_SECRET_KEY";
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    /** A sealed data key: the nonce, then the 32 encrypted bytes and the tag. */
    static final int SEALED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

    private final String name;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private KmsKey(String name, byte[] key) {
        this.name = name;
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key the environment names, none when the variable is unset; a malformed value stops the start. */
    static Optional<KmsKey> fromEnvironment(java.util.Map<String, String> env) throws StandInException {
        String value = env.get(VARIABLE);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(parse(value));
    }

    /** {@code NAME:BASE64}; the message names the variable and never shows the value. */
    static KmsKey parse(String value) throws StandInException {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw StandInException.refused(VARIABLE + ": invalid format: expected KEY-NAME:BASE64-KEY");
        }
        String name = value.substring(0, colon);
        if (name.isEmpty()) {
            throw StandInException.refused(VARIABLE + ": the key name (before ':') is empty");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw StandInException.refused(VARIABLE + ": the key (after ':') is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw StandInException.refused(VARIABLE + ": the key must be " + KEY_BYTES + " bytes (256 bits), it is " + key.length);
        }
        return new KmsKey(name, key);
    }

    String name() {
        return name;
    }

    /** A fresh random 32-byte data key. */
    byte[] newDataKey() {
        byte[] dataKey = new byte[KEY_BYTES];
        random.nextBytes(dataKey);
        return dataKey;
    }

    /** {@code dataKey} sealed for {@code context} (associated data, with this key's name). */
    byte[] seal(byte[] dataKey, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            gcm.updateAAD(associated(context));
            return ByteBuffer.allocate(SEALED_BYTES).put(nonce).put(gcm.doFinal(dataKey)).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** The data key, or empty when {@code sealed} was not sealed by this key for {@code context}. */
    Optional<byte[]> unseal(byte[] sealed, byte[] context) {
        if (sealed.length != SEALED_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
            gcm.updateAAD(associated(context));
            return Optional.of(gcm.doFinal(sealed, NONCE_BYTES, SEALED_BYTES - NONCE_BYTES));
        } catch (javax.crypto.AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private byte[] associated(byte[] context) {
        byte[] id = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + id.length + context.length).putInt(id.length).put(id).put(context).array();
    }

    @Override
    public String toString() {
        return "KmsKey[" + name + "]";
    }
}
