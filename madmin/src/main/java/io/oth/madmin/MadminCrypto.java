package io.oth.madmin;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The encryption MinIO's admin API wraps secrets in, as madmin-go's {@code EncryptData} and
 * {@code DecryptData} (encrypt.go) do it: {@code salt(32) | id(1) | nonce(8) | stream}, the key
 * derived from the requester's secret key with Argon2id (id 0x00 AES-256-GCM, 0x01
 * ChaCha20-Poly1305) or PBKDF2-SHA256 (0x02, AES-256-GCM), and the stream in
 * secure-io/sio-go's format: 16 KiB fragments, each sealed with {@code nonce | sequence number
 * (uint32, little endian, from 1)} and associated data {@code flag | tag}, where the flag is 0x80 on
 * the final fragment only and the tag seals nothing under sequence number 0.
 */
public final class MadminCrypto {
    static final int ARGON2ID_AES_GCM = 0x00;
    static final int ARGON2ID_CHACHA20_POLY1305 = 0x01;
    static final int PBKDF2_AES_GCM = 0x02;
    private static final int SALT = 32;
    private static final int NONCE = 8;
    private static final int HEADER = SALT + 1 + NONCE;
    private static final int TAG = 16;
    private static final int FRAGMENT = 1 << 14;
    private static final byte FINAL = (byte) 0x80;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ARGON2_KIB = 64 * 1024;
    /**
     * Argon2id's 64 MiB, kept for the next derivation: Bouncy Castle otherwise allocates it afresh
     * (65536 blocks of 1 KiB) for every message, each request and answer of the admin API, and a
     * fresh JVM pays for that memory in page faults and collections, more than for the hashing.
     * The pool zeroes a block when it takes it back and when it hands it out again.
     */
    private static final Argon2BytesGenerator.BlockPool BLOCKS = new Argon2BytesGenerator.FixedBlockPool(ARGON2_KIB + 4);

    private MadminCrypto() {
    }

    /** As MinIO encrypts its answers on a machine with AES instructions: Argon2id and AES-256-GCM. */
    public static byte[] encrypt(String password, byte[] data) {
        return encrypt(password, data, ARGON2ID_AES_GCM);
    }

    /**
     * As madmin-go encrypts in a FIPS build: PBKDF2-SHA256 (8192 rounds) and AES-256-GCM. Every
     * MinIO reads it (madmin-go's {@code DecryptData} takes all three ids, whatever the build), and
     * it costs both sides a few milliseconds where Argon2id costs 64 MiB and a tenth of a second or
     * more. For a request keyed by a generated secret: a memory-hard derivation adds nothing against
     * guessing a random key, and the request travels in TLS.
     */
    public static byte[] encryptFast(String password, byte[] data) {
        return encrypt(password, data, PBKDF2_AES_GCM);
    }

    private static byte[] encrypt(String password, byte[] data, int id) {
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        return encrypt(password, data, id, salt, nonce);
    }

    static byte[] encrypt(String password, byte[] data, int id, byte[] salt, byte[] nonce) {
        byte[] key = key(password, salt, id);
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + data.length + (data.length / FRAGMENT + 1) * TAG);
        out.writeBytes(salt);
        out.write(id);
        out.writeBytes(nonce);
        byte[] ad = associatedData(id, key, nonce);
        int seq = 1;
        int at = 0;
        try {
            while (data.length - at > FRAGMENT) {
                out.writeBytes(seal(true, id, key, nonce, seq++, ad, data, at, FRAGMENT));
                at += FRAGMENT;
            }
            ad[0] = FINAL;
            out.writeBytes(seal(true, id, key, nonce, seq, ad, data, at, data.length - at));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The plaintext, or an exception when the data was not made with {@code password} or was changed. */
    public static byte[] decrypt(String password, byte[] data) throws GeneralSecurityException {
        if (data.length < HEADER) {
            throw new GeneralSecurityException("unexpected header: " + data.length + " bytes");
        }
        byte[] salt = Arrays.copyOfRange(data, 0, SALT);
        int id = data[SALT] & 0xff;
        if (id != ARGON2ID_AES_GCM && id != ARGON2ID_CHACHA20_POLY1305 && id != PBKDF2_AES_GCM) {
            throw new GeneralSecurityException("invalid encryption algorithm id " + id);
        }
        byte[] nonce = Arrays.copyOfRange(data, SALT + 1, HEADER);
        byte[] key = key(password, salt, id);
        byte[] ad = associatedData(id, key, nonce);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int seq = 1;
        int at = HEADER;
        try {
            // A fragment is the final one when nothing follows it; only the final one may be short.
            while (data.length - at > FRAGMENT + TAG) {
                out.writeBytes(seal(false, id, key, nonce, seq++, ad, data, at, FRAGMENT + TAG));
                at += FRAGMENT + TAG;
            }
            if (data.length - at < TAG) {
                throw new GeneralSecurityException("data is not authentic: the stream is cut short");
            }
            ad[0] = FINAL;
            out.writeBytes(seal(false, id, key, nonce, seq, ad, data, at, data.length - at));
        } catch (InvalidCipherTextException e) {
            throw new GeneralSecurityException("data is not authentic (wrong password or changed data)", e);
        }
        return out.toByteArray();
    }

    static byte[] key(String password, byte[] salt, int id) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        if (id == PBKDF2_AES_GCM) {
            PKCS5S2ParametersGenerator pbkdf2 = new PKCS5S2ParametersGenerator(new SHA256Digest());
            pbkdf2.init(secret, salt, 8192);
            return ((KeyParameter) pbkdf2.generateDerivedParameters(256)).getKey();
        }
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(1).withMemoryAsKB(ARGON2_KIB).withParallelism(4).withSalt(salt).withBlockPool(BLOCKS).build());
        byte[] key = new byte[32];
        argon2.generateBytes(secret, key);
        return key;
    }

    /** sio-go's associated data: a flag byte (0x00 until the final fragment), then the tag of nothing sealed under sequence number 0. */
    private static byte[] associatedData(int id, byte[] key, byte[] nonce) {
        byte[] ad = new byte[1 + TAG];
        try {
            System.arraycopy(seal(true, id, key, nonce, 0, new byte[0], new byte[0], 0, 0), 0, ad, 1, TAG);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return ad;
    }

    private static byte[] seal(boolean encrypt, int id, byte[] key, byte[] nonce, int seq, byte[] ad, byte[] in, int offset, int length)
            throws InvalidCipherTextException {
        AEADCipher cipher = id == ARGON2ID_CHACHA20_POLY1305 ? new ChaCha20Poly1305() : GCMBlockCipher.newInstance(AESEngine.newInstance());
        byte[] fullNonce = Arrays.copyOf(nonce, NONCE + 4);
        fullNonce[NONCE] = (byte) seq;
        fullNonce[NONCE + 1] = (byte) (seq >>> 8);
        fullNonce[NONCE + 2] = (byte) (seq >>> 16);
        fullNonce[NONCE + 3] = (byte) (seq >>> 24);
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG * 8, fullNonce, ad));
        byte[] out = new byte[cipher.getOutputSize(length)];
        int n = cipher.processBytes(in, offset, length, out, 0);
        n += cipher.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
