package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectCipherTest {
    private static final String KEY = "oth-minio:" + Base64.getEncoder().encodeToString(new byte[32]);

    private static ObjectCipher cipher(String value) throws StandInException {
        return new ObjectCipher(KmsKey.parse(value));
    }

    private static byte[] encrypt(ObjectCipher cipher, byte[] plaintext, String key) throws IOException {
        return cipher.encrypt(new ByteArrayInputStream(plaintext), plaintext.length, "b", key).readAllBytes();
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, ObjectCipher.CHUNK_BYTES, ObjectCipher.CHUNK_BYTES + 1, 3 * ObjectCipher.CHUNK_BYTES + 17})
    void roundTripsEveryLengthAtTheLengthItPredicts(int length) throws Exception {
        ObjectCipher cipher = cipher(KEY);
        byte[] plaintext = bytes(length);
        byte[] stored = encrypt(cipher, plaintext, "k");

        assertEquals(ObjectCipher.Segment.storedLength(length), stored.length);
        assertEquals(length, cipher.open(Arrays.copyOf(stored, ObjectCipher.HEADER_BYTES), "b", "k").orElseThrow().plaintextLength());
        assertArrayEquals(plaintext, cipher.decrypt(new ByteArrayInputStream(stored), "b", "k").readAllBytes());
    }

    @Test
    void theStoredBytesHoldNoneOfThePlaintext() throws Exception {
        byte[] plaintext = "patient note: DISTINCTIVE-BODY-4711 ".repeat(100).getBytes(StandardCharsets.UTF_8);
        String stored = new String(encrypt(cipher(KEY), plaintext, "k"), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains("DISTINCTIVE"));
    }

    @Test
    void segmentsJoinedAsMultipartPartsReadAsOneObject() throws Exception {
        ObjectCipher cipher = cipher(KEY);
        byte[] one = bytes(ObjectCipher.CHUNK_BYTES + 5);
        byte[] two = bytes(10);
        InputStream joined = new SequenceInputStream(new ByteArrayInputStream(encrypt(cipher, one, "k")),
                new ByteArrayInputStream(encrypt(cipher, two, "k")));
        byte[] expected = Arrays.copyOf(one, one.length + two.length);
        System.arraycopy(two, 0, expected, one.length, two.length);
        assertArrayEquals(expected, cipher.decrypt(joined, "b", "k").readAllBytes());
    }

    @Test
    void aChangedByteATruncationAnotherObjectOrAnotherKeyFailToDecrypt() throws Exception {
        ObjectCipher cipher = cipher(KEY);
        byte[] stored = encrypt(cipher, bytes(2 * ObjectCipher.CHUNK_BYTES), "k");

        byte[] changed = stored.clone();
        changed[ObjectCipher.HEADER_BYTES + 100] ^= 1;
        assertThrows(IOException.class, () -> cipher.decrypt(new ByteArrayInputStream(changed), "b", "k").readAllBytes());
        // the last chunk dropped: the chunk before is not marked last
        byte[] truncated = Arrays.copyOf(stored, ObjectCipher.HEADER_BYTES + ObjectCipher.CHUNK_BYTES + 16);
        assertThrows(IOException.class, () -> cipher.decrypt(new ByteArrayInputStream(truncated), "b", "k").readAllBytes());
        // bound to its object: the same bytes under another name do not open
        assertTrue(cipher.open(Arrays.copyOf(stored, ObjectCipher.HEADER_BYTES), "b", "other").isEmpty());
        ObjectCipher otherKey = cipher("oth-minio:" + Base64.getEncoder().encodeToString(bytes(32)));
        assertTrue(otherKey.open(Arrays.copyOf(stored, ObjectCipher.HEADER_BYTES), "b", "k").isEmpty());
        ObjectCipher otherName = cipher("another-name:" + Base64.getEncoder().encodeToString(new byte[32]));
        assertTrue(otherName.open(Arrays.copyOf(stored, ObjectCipher.HEADER_BYTES), "b", "k").isEmpty());
    }

    @Test
    void aBodyShorterOrLongerThanItsLengthIsRefused() {
        ObjectCipher cipher = zeroKeyCipher();
        assertThrows(IOException.class, () -> cipher.encrypt(new ByteArrayInputStream(bytes(5)), 6, "b", "k").readAllBytes());
        assertThrows(IOException.class, () -> cipher.encrypt(new ByteArrayInputStream(bytes(7)), 6, "b", "k").readAllBytes());
    }

    private static ObjectCipher zeroKeyCipher() {
        try {
            return cipher(KEY);
        } catch (StandInException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void kmsKeysAreParsedAsMinioDoesAndRefusedWithoutShowingThem() {
        assertEquals("oth-minio", parsed(KEY).name());
        String b64 = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("MINIO_KMS_SECRET_KEY: invalid format: expected KEY-NAME:BASE64-KEY", refusal(b64));
        assertEquals("MINIO_KMS_SECRET_KEY: the key name (before ':') is empty", refusal(":" + b64));
        assertEquals("MINIO_KMS_SECRET_KEY: the key (after ':') is not base64", refusal("k:not base64!"));
        assertEquals("MINIO_KMS_SECRET_KEY: the key must be 32 bytes (256 bits), it is 16", refusal("k:" + Base64.getEncoder().encodeToString(new byte[16])));
    }

    private static KmsKey parsed(String value) {
        try {
            return KmsKey.parse(value);
        } catch (StandInException e) {
            throw new AssertionError(e);
        }
    }

    private static String refusal(String value) {
        return assertThrows(StandInException.class, () -> KmsKey.parse(value)).getMessage();
    }
}
