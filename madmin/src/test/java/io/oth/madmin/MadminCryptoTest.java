package io.oth.madmin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MadminCryptoTest {

    /**
     * madmin-go's decryptDataTests (encrypt_test.go at minio/madmin-go 66b99c3): ciphertexts made by
     * the Go code, all Argon2id + AES-256-GCM. The Go test only asks that they decrypt; their
     * lengths say 0, 256, 32 and 256 bytes, encryptDataTests' all-zero data for those passwords,
     * and that is what they must give.
     */
    private record Vector(String password, String hex, int zeros) {
    }

    private static final Vector[] MADMIN_GO = {
        new Vector("", "828aa81599df0651c0461adb82283e8b89956baee9f6e719947ef9cddc849028001dc9d3ac0938f66b07bacc9751437e1985f8a9763c240e81", 0),
        new Vector("", "1793c71df6647860437134073c15688cbb15961dc0758c7ee1225e66e79c724c00d790dba9c671eae89da2c736d858286ac9bd027abacc6443"
                + "0375cd41b63b67c070c7fba475a8dd66ae65ba905176c48cbe6f734fc74df87343d8ccff54bada4aeb0a04bd021633ebe6c4768e23f5dea142"
                + "561d4fe3f90ed59d13dc5fb3a585dadec1742325291b9c81692bdd3420b2428127f8195e0ecd9a1c9237712ed67af7339fbbf7ff3ee1c516e1"
                + "f81e69d933e057b30997e7274a2c9698e07c39f0e8d6818858f34c8191871b5a52bea9061806bd029024bfc1d9c1f230904968d6c9e10fddcb"
                + "c006ba97356ff243570fd96df07dd6894e215a6b24c4ed730369519289ebd877aff6ccbd2265985e4ab1a2b7930bab9cfb767b97348a639ddf"
                + "8db81bf5151da7e8f3d9638a1b86eb1dd78cc6a526f10a414c78638f", 256),
        new Vector("xPl.8/rhR\"Q_1xLt", "b5c016e93b84b473fc8a37af94936563630c36d6df1841d23a86ee51ca161f9e00ac19116b32f643ff6a56a212b265d8c56"
                + "195bb0d12ce199e13dfdc5272f80c1564da2c6fc2fa18da91d8062de02af5cdafea491c6f3cae1f", 32),
        new Vector("7h5oU4$te{;K}fgqlI^]", "c58edf7cfd557b6b655de6f48b1a3049d8d049dadb3a7bfa9ac9ccbb5baf37ec00f83086a26f43b7d6bc9075ad0"
                + "38bf5741f118d502ebe94165e4072ba7f98535d6b1e3b6ae67a98115d146d9b4d90e4df4ae82df9cfa17ed7cd42"
                + "465181559f7ddf09c98beec521bb4478e0cb73c4e0827af8688ff4e7a07327a10d5a180035e6ddb16d974a85257"
                + "981cd9e0360a20f7b4d653190267dfb241148f018ae180568042e864b9e1b5bc05425a3abc2b0324f50c72d5679"
                + "8f924405dfc0f8523f4bb564ed65af8e1b1c82a7a0640552ecf81985d95d0993d99172592ddc1393dfa63e8f0b3"
                + "d744b2cc4b73384ca4693f0c1aec0e9b00e85f2937e891105d67da8f59c14ca96608e0425c42f9c1e7c2a8b3413"
                + "e1381784f9cfe01de7c47cea1f8d7a7d88f5d4aca783cf55332b47f957a6b9a65269d7eb606b877b", 256),
    };

    @Test
    void madminGoCiphertextsDecryptToTheirData() throws GeneralSecurityException {
        for (Vector v : MADMIN_GO) {
            byte[] plain = MadminCrypto.decrypt(v.password(), HexFormat.of().parseHex(v.hex()));
            assertArrayEquals(new byte[v.zeros()], plain, "password " + v.password());
        }
    }

    @Test
    void aMadminGoCiphertextRefusesAnotherPasswordAndAnyChangedByte() {
        byte[] data = HexFormat.of().parseHex(MADMIN_GO[2].hex());
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt("xPl.8/rhR\"Q_1xLu", data));
        for (int i : new int[] {0, 31, 33, 40, 41, data.length - 1}) {
            byte[] changed = data.clone();
            changed[i] ^= 1;
            assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt(MADMIN_GO[2].password(), changed), "byte " + i);
        }
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt(MADMIN_GO[2].password(), java.util.Arrays.copyOf(data, data.length - 1)));
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt("", new byte[40]));
    }

    /** Around the 16 KiB fragment size: a full last fragment is the final one, as sio-go makes it. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16383, 16384, 16385, 32768, 50000})
    void roundTripsWithEveryAlgorithm(int size) throws GeneralSecurityException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        byte[] salt = new byte[32];
        byte[] nonce = new byte[8];
        for (int id : new int[] {MadminCrypto.ARGON2ID_AES_GCM, MadminCrypto.ARGON2ID_CHACHA20_POLY1305, MadminCrypto.PBKDF2_AES_GCM}) {
            byte[] sealed = MadminCrypto.encrypt("root-secret", data, id, salt, nonce);
            assertEquals(41 + size + 16 * Math.max(1, (size + 16383) / 16384), sealed.length, "one tag per fragment");
            assertArrayEquals(data, MadminCrypto.decrypt("root-secret", sealed), "id " + id);
        }
    }

    @Test
    void fragmentsCannotBeDroppedOrReordered() {
        byte[] data = new byte[3 * 16384];
        byte[] sealed = MadminCrypto.encrypt("root-secret", data, MadminCrypto.ARGON2ID_AES_GCM, new byte[32], new byte[8]);
        int fragment = 16384 + 16;
        byte[] withoutLast = java.util.Arrays.copyOf(sealed, sealed.length - fragment);
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt("root-secret", withoutLast), "a cut stream has no final fragment");
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, 41, swapped, 41 + fragment, fragment);
        System.arraycopy(sealed, 41 + fragment, swapped, 41, fragment);
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt("root-secret", swapped));
    }

    @Test
    void eachEncryptionHasItsOwnSaltAndNonce() throws GeneralSecurityException {
        byte[] json = "{\"secretKey\":\"s3cret-value\",\"status\":\"enabled\"}".getBytes(StandardCharsets.UTF_8);
        byte[] a = MadminCrypto.encrypt("root-secret", json);
        byte[] b = MadminCrypto.encrypt("root-secret", json);
        assertEquals(0, a[32], "Argon2id + AES-256-GCM, as madmin-go on hardware with AES instructions");
        assertEquals(false, java.util.Arrays.equals(a, b));
        assertArrayEquals(json, MadminCrypto.decrypt("root-secret", b));
    }

    /** What oth sends: the form of madmin-go's FIPS builds, which every MinIO reads (the vectors above). */
    @Test
    void aRequestIsSealedWithPbkdf2AndItsOwnSaltAndNonce() throws GeneralSecurityException {
        byte[] json = "{\"secretKey\":\"s3cret-value\",\"status\":\"enabled\"}".getBytes(StandardCharsets.UTF_8);
        byte[] a = MadminCrypto.encryptFast("root-secret", json);
        byte[] b = MadminCrypto.encryptFast("root-secret", json);
        assertEquals(MadminCrypto.PBKDF2_AES_GCM, a[32], "PBKDF2-SHA256 + AES-256-GCM");
        assertEquals(false, java.util.Arrays.equals(java.util.Arrays.copyOf(a, 41), java.util.Arrays.copyOf(b, 41)));
        assertArrayEquals(json, MadminCrypto.decrypt("root-secret", a));
        assertThrows(GeneralSecurityException.class, () -> MadminCrypto.decrypt("other-secret", b));
        // golang.org/x/crypto/pbkdf2.Key(password, salt, 8192, 32, sha256.New), as Python's hashlib computes it too
        assertEquals("87a21c740c7e94b56b5460a66fd71fbfa11a6a8eebe26545d471614f254e1af8",
                HexFormat.of().formatHex(MadminCrypto.key("root-secret", new byte[32], MadminCrypto.PBKDF2_AES_GCM)));
    }
}
