package io.oth.ca;

import io.oth.cert.BouncyCastle;
import io.oth.cert.KeyMatch;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the CA's keys and certificates: EC P-256 keys, ECDSA-SHA256 signatures, random 128-bit
 * serials. Bouncy Castle's EC keys are used because their PKCS#8 encoding carries the curve and the
 * public point, as OpenSSL writes it; some TLS stacks want both. Keys read back ({@link Pem#parse})
 * are the JDK's, which sign as well; they are never written again.
 */
final class Signer {
    private static final String ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signer() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BouncyCastle.provider());
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    static X500Name name(String site, String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "oth " + site).addRDN(BCStyle.CN, commonName).build();
    }

    /** A self-signed root that may sign intermediates, which may not sign CAs themselves (pathlen 1). */
    static X509Certificate root(X500Name subject, KeyPair key, Instant from, Instant to) {
        return sign(key.getPrivate(), key.getPublic(), subject, subject, key.getPublic(), from, to, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
    }

    /** An issuing CA under {@code root}, which may sign only end-entity certificates (pathlen 0). */
    static X509Certificate intermediate(Authority root, X500Name subject, PublicKey key, Instant from, Instant to) {
        return sign(root, subject, key, from, to, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
    }

    static X509Certificate leaf(Authority issuer, X500Name subject, PublicKey key, Instant from, Instant to, ServiceIdentity id) {
        return sign(issuer, subject, key, from, to, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (id.usage().server()) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (id.usage().client()) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
            List<GeneralName> names = new ArrayList<>();
            id.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            id.ipAddresses().forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
        });
    }

    /**
     * Whether {@code key} is the private half of {@code certificate}'s public key: a probe signed
     * with it verifies (the JDK's ECDSA: reading a CA, as every doctor does, makes no Bouncy Castle provider).
     */
    static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        try {
            return key instanceof ECPrivateKey ec && certificate.getPublicKey() instanceof ECPublicKey pub && KeyMatch.signsFor(ec, pub);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether {@code issuer} signed {@code certificate}. */
    static boolean issued(X509Certificate issuer, X509Certificate certificate) {
        if (!issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Positive and never zero; 128 bits is well above the 64 random bits CAs must use. */
    private static BigInteger serial() {
        BigInteger serial;
        do {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private static X509Certificate sign(Authority issuer, X500Name subject, PublicKey key, Instant from, Instant to, Extensions extensions) {
        X509Certificate ca = issuer.certificate();
        return sign(issuer.key(), ca.getPublicKey(), X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), subject, key, from, to,
                extensions);
    }

    private static X509Certificate sign(PrivateKey signingKey, PublicKey issuerKey, X500Name issuerName, X500Name subject, PublicKey key,
            Instant from, Instant to, Extensions extensions) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial(), Date.from(from), Date.from(to), subject, key);
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey));
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(ALGORITHM).setProvider(BouncyCastle.provider()).build(signingKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate for " + subject, e);
        }
    }
}
