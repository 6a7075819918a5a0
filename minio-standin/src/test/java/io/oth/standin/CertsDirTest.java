package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certs directory's failures, each said before the first client would meet it as a failed handshake. */
class CertsDirTest {
    @TempDir
    Path temp;

    @Test
    void anEmptyOrMissingDirectoryMeansPlainHttp() throws Exception {
        assertEquals(Optional.empty(), CertsDir.load(temp));
        assertEquals(Optional.empty(), CertsDir.load(temp.resolve("absent")));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws Exception {
        Path dir = new TestPki().writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8);
        Files.delete(dir.resolve("private.key"));

        assertEquals(dir + ": has public.crt but no private.key; MinIO needs both for HTTPS, or neither for HTTP",
                refusal(dir));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path dir = new TestPki().writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8);
        Files.writeString(dir.resolve("private.key"), TestPki.strayKeyPem());

        assertEquals(dir + ": private.key is not the key of the first certificate in public.crt (CN=localhost)",
                refusal(dir));
    }

    @Test
    void anEncryptedKeyIsRefusedAsNotHonoured() throws Exception {
        Path dir = new TestPki().writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(generator.generateKeyPair().getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                            .setProvider(new BouncyCastleProvider()).setPassword("pass".toCharArray()).build()));
        }
        Files.writeString(dir.resolve("private.key"), pem.toString());

        assertTrue(refusal(dir).endsWith("private.key: the key is encrypted; the stand-in reads unencrypted keys"
                + " only (MinIO's MINIO_CERT_PASSWD is not honoured)"), refusal(dir));
    }

    private static String refusal(Path dir) {
        return assertThrows(StandInException.class, () -> CertsDir.load(dir)).getMessage();
    }
}
