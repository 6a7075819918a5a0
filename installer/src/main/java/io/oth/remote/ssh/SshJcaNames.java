package io.oth.remote.ssh;

import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;

import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.MacSpi;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The algorithm names sshj asks the JCA for that the JDK's providers do not have, so that SSH needs
 * no Bouncy Castle provider (making one registers thousands of algorithms: about a fifth of a CPU
 * second in a fresh JVM):
 * <ul>
 * <li>KeyFactory "ECDSA" (the JDK calls it "EC"), for ECDSA host and user keys: the JDK's own;</li>
 * <li>Cipher "CHACHA" (ChaCha20 with a 64-bit nonce, as OpenSSH uses it), for
 * chacha20-poly1305@openssh.com: the JDK's ChaCha20 (RFC 8439's, 96-bit nonce), which is the same
 * key stream for a nonce whose first 32 bits are zero (they are the high half of the original's
 * 64-bit block counter, which an SSH packet never reaches). It is about half as fast again as
 * Bouncy Castle's engine without C2, and every byte oth uploads is sealed with it twice.</li>
 * <li>Mac "POLY1305": Bouncy Castle's engine ({@link Poly1305}) behind the JCA's interface. Bouncy
 * Castle's own JCA class would make its provider all the same.</li>
 * </ul>
 */
final class SshJcaNames extends Provider {
    static final String NAME = "oth-ssh";

    SshJcaNames() {
        super(NAME, "1.0", "JCA names sshj uses that the JDK lacks: KeyFactory ECDSA, Cipher CHACHA, Mac POLY1305");
        service("KeyFactory", "ECDSA", () -> {
            try {
                return new EcKeys(KeyFactory.getInstance("EC"));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no EC KeyFactory", e);
            }
        });
        service("Cipher", "CHACHA", ChaChaCipher::new);
        service("Mac", "POLY1305", Poly1305Mac::new);
    }

    private void service(String type, String algorithm, Supplier<Object> make) {
        putService(new Service(this, type, algorithm, type + "." + algorithm, List.of(), Map.of()) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return make.get();
            }
        });
    }

    /** Every call handed to the JDK's EC key factory. */
    static final class EcKeys extends KeyFactorySpi {
        private final KeyFactory ec;

        EcKeys(KeyFactory ec) {
            this.ec = ec;
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return ec.getKeySpec(key, type);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return ec.translateKey(key);
        }
    }

    /**
     * ChaCha20 as a stream cipher: a 32-byte key, an 8-byte nonce ({@link IvParameterSpec}), the
     * block counter from 0. Encryption and decryption are the same XOR with the key stream. The
     * JDK's cipher refuses to start again on the key and nonce it last had (a guard against reusing
     * a key stream, which SSH's sequence numbers already rule out); starting again on them (a JCA
     * cipher after its final block, or decrypting what was just encrypted) takes a new one.
     */
    static final class ChaChaCipher extends CipherSpi {
        /** The JDK's cipher, and the key and nonce it was last started on. */
        private Cipher jdk;
        private byte[] iv;
        private SecretKeySpec key;

        @Override
        protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
            if (!mode.equalsIgnoreCase("NONE") && !mode.equalsIgnoreCase("ECB")) {
                throw new NoSuchAlgorithmException("ChaCha20 is a stream cipher: no mode " + mode);
            }
        }

        @Override
        protected void engineSetPadding(String padding) throws NoSuchPaddingException {
            if (!padding.equalsIgnoreCase("NoPadding")) {
                throw new NoSuchPaddingException("ChaCha20 is a stream cipher: no padding " + padding);
            }
        }

        @Override
        protected int engineGetBlockSize() {
            return 0;
        }

        @Override
        protected int engineGetOutputSize(int inputLen) {
            return inputLen;
        }

        @Override
        protected byte[] engineGetIV() {
            return iv == null ? null : iv.clone();
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return null;
        }

        @Override
        protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
            throw new InvalidKeyException("ChaCha20 needs its nonce (an IvParameterSpec)");
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (!(params instanceof IvParameterSpec spec) || spec.getIV().length != 8) {
                throw new InvalidAlgorithmParameterException("ChaCha20 takes an 8-byte nonce as an IvParameterSpec");
            }
            byte[] raw = key == null ? null : key.getEncoded();
            if (raw == null || raw.length != 32) {
                throw new InvalidKeyException("ChaCha20 takes a 32-byte key");
            }
            SecretKeySpec next;
            try {
                next = new SecretKeySpec(raw, "ChaCha20");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            boolean again = next.equals(this.key) && Arrays.equals(spec.getIV(), iv);
            this.key = next;
            iv = spec.getIV();
            start(again);
        }

        /** The JDK's cipher at the start of the key stream of {@link #key} and {@link #iv}; {@code again}: the ones it last had. */
        private void start(boolean again) throws InvalidKeyException {
            byte[] nonce = new byte[12];
            System.arraycopy(iv, 0, nonce, 4, 8);
            try {
                if (jdk == null || again) {
                    jdk = Cipher.getInstance("ChaCha20");
                }
                jdk.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 0));
            } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
                throw new IllegalStateException("the JDK has no ChaCha20", e);
            } catch (InvalidAlgorithmParameterException e) {
                throw new InvalidKeyException(e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random) throws InvalidAlgorithmParameterException {
            throw new InvalidAlgorithmParameterException("ChaCha20 takes its nonce as an IvParameterSpec");
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int offset, int length) {
            byte[] out = new byte[length];
            try {
                engineUpdate(input, offset, length, out, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        @Override
        protected int engineUpdate(byte[] input, int offset, int length, byte[] output, int outputOffset) throws ShortBufferException {
            if (output.length - outputOffset < length) {
                throw new ShortBufferException("output buffer too short");
            }
            if (jdk == null) {
                throw new IllegalStateException("ChaCha20 is not initialised");
            }
            return length == 0 ? 0 : jdk.update(input, offset, length, output, outputOffset);
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int offset, int length) {
            byte[] out = engineUpdate(input, offset, length);
            restart();
            return out;
        }

        @Override
        protected int engineDoFinal(byte[] input, int offset, int length, byte[] output, int outputOffset) throws ShortBufferException {
            int n = engineUpdate(input, offset, length, output, outputOffset);
            restart();
            return n;
        }

        /** After a final block, as a JCA cipher does: the same key and nonce, from the start of the key stream. */
        private void restart() {
            try {
                start(true);
            } catch (InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Poly1305 as a one-time authenticator: a 32-byte key, a 16-byte tag. */
    static final class Poly1305Mac extends MacSpi {
        private final Poly1305 mac = new Poly1305();

        @Override
        protected int engineGetMacLength() {
            return mac.getMacSize();
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params) throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (params != null) {
                throw new InvalidAlgorithmParameterException("Poly1305 takes no parameters");
            }
            byte[] raw = key == null ? null : key.getEncoded();
            if (raw == null || raw.length != 32) {
                throw new InvalidKeyException("Poly1305 takes a 32-byte key");
            }
            try {
                mac.init(new KeyParameter(raw));
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }

        @Override
        protected void engineUpdate(byte input) {
            mac.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int length) {
            mac.update(input, offset, length);
        }

        @Override
        protected byte[] engineDoFinal() {
            byte[] tag = new byte[mac.getMacSize()];
            mac.doFinal(tag, 0);
            return tag;
        }

        @Override
        protected void engineReset() {
            mac.reset();
        }
    }
}
