package io.oth.remote.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Security;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.schmizz.sshj.common.Factory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SshAlgorithmsTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void providers() {
        SshFleet.useJdkProviders();
    }

    @Test
    void sshOffersWhatACurrentOpenSshClientOffersInItsOrderAndNoBouncyCastleProvider() {
        SshAlgorithms config = new SshAlgorithms();
        assertEquals(List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"),
                names(config.getCipherFactories()));
        assertEquals(List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512"), names(config.getMACFactories()));
        assertEquals(List.of("curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256",
                "ext-info-c"), names(config.getKeyExchangeFactories()));
        assertNull(Security.getProvider("BC"), "no Bouncy Castle provider was made or installed");
    }

    @Test
    void chaCha20WithASixtyFourBitNonceGivesTheReferenceKeyStream() throws Exception {
        // draft-agl-tls-chacha20poly1305-04, section 7 (ChaCha20 as OpenSSH uses it: 8-byte nonce,
        // counter from 0): key and nonce all zero, then key ...01 and nonce ...01.
        assertEquals("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669",
                HEX.formatHex(keyStream(new byte[32], new byte[8], 60)));
        byte[] key = new byte[32];
        key[31] = 1;
        assertEquals("4540f05a9f1fb296d7736e7b208e3c96eb4fe1834688d2604f450952ed432d41bbe2a0b6ea7566d2a5d1e7e20d42af2c53d792b1c43fea817e9ad275ae546963",
                HEX.formatHex(keyStream(key, new byte[8], 64)));
        byte[] nonce = new byte[8];
        nonce[7] = 1;
        assertEquals("de9cba7bf3d69ef5e786dc63973f653a0b49e015adbff7134fcb7df137821031e85a050278a7084527214f73efc7fa5b5277062eb7a0433e445f41e3",
                HEX.formatHex(keyStream(new byte[32], nonce, 60)));

        // Decryption is the same XOR; the cipher needs its nonce and a 32-byte key.
        Cipher cipher = Cipher.getInstance("CHACHA");
        assertEquals(SshJcaNames.NAME, cipher.getProvider().getName());
        byte[] text = "the same bytes back".getBytes(StandardCharsets.UTF_8);
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "CHACHA"), new IvParameterSpec(nonce));
        byte[] sealed = cipher.update(text);
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "CHACHA"), new IvParameterSpec(nonce));
        assertArrayEquals(text, cipher.update(sealed));
        assertThrows(InvalidAlgorithmParameterException.class, () -> cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "CHACHA"), new IvParameterSpec(new byte[12])));
        assertThrows(InvalidKeyException.class, () -> cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "CHACHA"), new IvParameterSpec(nonce)));
    }

    @Test
    void chaCha20KeepsItsPlaceInTheKeyStreamAcrossUpdatesAndStartsAgainAfterAFinalBlock() throws Exception {
        // As sshj uses it per packet: the Poly1305 key from block 0 in two halves, then the payload from block 1 on.
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] nonce = {0, 0, 0, 0, 0, 0, 1, 2};
        byte[] whole = keyStream(key, nonce, 1100);
        Cipher cipher = Cipher.getInstance("CHACHA");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "CHACHA"), new IvParameterSpec(nonce));
        java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
        for (int size : new int[] {32, 32, 1, 63, 64, 7, 801}) {
            pieces.writeBytes(cipher.update(new byte[size]));
        }
        assertArrayEquals(java.util.Arrays.copyOf(whole, 1000), pieces.toByteArray());
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 1000, 1100), cipher.doFinal(new byte[100]));
        // after a final block, the key stream starts again
        assertArrayEquals(java.util.Arrays.copyOf(whole, 10), cipher.update(new byte[10]));
    }

    @Test
    void poly1305GivesTheReferenceTag() throws Exception {
        // RFC 8439, section 2.5.2.
        Mac mac = Mac.getInstance("POLY1305");
        assertEquals(SshJcaNames.NAME, mac.getProvider().getName());
        mac.init(new SecretKeySpec(HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"), "POLY1305"));
        byte[] tag = mac.doFinal("Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII));
        assertEquals("a8061dc1305136c6c22b8baf0c0127a9", HEX.formatHex(tag));
        assertThrows(InvalidKeyException.class, () -> mac.init(new SecretKeySpec(new byte[16], "POLY1305")));
    }

    private static byte[] keyStream(byte[] key, byte[] nonce, int length) throws Exception {
        Cipher cipher = Cipher.getInstance("CHACHA");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "CHACHA"), new IvParameterSpec(nonce));
        byte[] out = new byte[length];
        assertEquals(length, cipher.update(new byte[length], 0, length, out, 0));
        return out;
    }

    private static <T> List<String> names(List<Factory.Named<T>> factories) {
        return factories.stream().map(Factory.Named::getName).toList();
    }
}
