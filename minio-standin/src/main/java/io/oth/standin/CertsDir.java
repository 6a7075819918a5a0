package io.oth.standin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * MinIO's certs directory: {@code public.crt} (the server certificate, then its chain) and
 * {@code private.key} (PKCS#8 or the traditional RSA / EC form, unencrypted) mean HTTPS; neither
 * means plain HTTP. {@code CAs/} is what MinIO trusts for its own outgoing connections; the
 * stand-in makes none, so it does not read it.
 */
final class CertsDir {
    static final String CERTIFICATE = "public.crt";
    static final String KEY = "private.key";

    private CertsDir() {
    }

    /** The server's TLS context, or empty when the directory holds neither file. */
    static Optional<SSLContext> load(Path dir) throws StandInException {
        Path certificateFile = dir.resolve(CERTIFICATE);
        Path keyFile = dir.resolve(KEY);
        boolean haveCertificate = Files.isRegularFile(certificateFile);
        boolean haveKey = Files.isRegularFile(keyFile);
        if (!haveCertificate && !haveKey) {
            return Optional.empty();
        }
        if (haveCertificate != haveKey) {
            throw StandInException.refused(dir + ": has " + (haveCertificate ? CERTIFICATE : KEY) + " but no "
                    + (haveCertificate ? KEY : CERTIFICATE) + "; MinIO needs both for HTTPS, or neither for HTTP");
        }
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        requireMatchingKey(chain.get(0), key, dir);
        try {
            char[] password = randomPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("minio", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return Optional.of(context);
        } catch (GeneralSecurityException | IOException e) {
            throw StandInException.refused(dir + ": cannot build a TLS key store from " + CERTIFICATE + " and " + KEY
                    + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static List<X509Certificate> certificates(Path file) throws StandInException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object part = parser.readObject(); part != null; part = parser.readObject()) {
                if (part instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw StandInException.refused(file + ": not a readable PEM certificate file", e);
        }
        if (chain.isEmpty()) {
            throw StandInException.refused(file + ": holds no CERTIFICATE block");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws StandInException {
        Object part;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            // "EC PARAMETERS" may precede an EC key (openssl ecparam -genkey); skip to the key.
            do {
                part = parser.readObject();
            } while (part != null && !isKey(part));
        } catch (IOException | RuntimeException e) {
            // Never the parser's message: it may quote the damaged text, which is key material.
            throw StandInException.refused(file + ": not a readable PEM private key");
        }
        if (part instanceof PEMEncryptedKeyPair || part instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw StandInException.refused(file + ": the key is encrypted; the stand-in reads unencrypted keys only"
                    + " (MinIO's MINIO_CERT_PASSWD is not honoured)");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (part instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (part instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw StandInException.refused(file + ": a private key of a type Java cannot use");
        }
        throw StandInException.refused(file + ": holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }

    private static boolean isKey(Object part) {
        return part instanceof PEMKeyPair || part instanceof PrivateKeyInfo
                || part instanceof PEMEncryptedKeyPair || part instanceof PKCS8EncryptedPrivateKeyInfo;
    }

    /** A key that does not belong to the certificate would only show as failed handshakes later. */
    private static void requireMatchingKey(X509Certificate certificate, PrivateKey key, Path dir)
            throws StandInException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw StandInException.refused(dir.resolve(KEY) + ": a " + key.getAlgorithm()
                    + " key; the stand-in serves RSA, EC and Ed25519 keys");
        };
        byte[] probe = "minio stand-in key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: reported below
        }
        throw StandInException.refused(dir + ": " + KEY + " is not the key of the first certificate in "
                + CERTIFICATE + " (" + certificate.getSubjectX500Principal().getName() + ")");
    }

    /** The key store never leaves memory; its password only satisfies the API. */
    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        return password;
    }
}
