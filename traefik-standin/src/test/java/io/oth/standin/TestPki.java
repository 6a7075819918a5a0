package io.oth.standin;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA with EC P-256 keys, as oth's site CA makes them: a root that signs server and client certificates. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    /** A key and its certificate (leaf), with the chain up to, but not including, the root. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        /** Writes {@code NAME.crt} and {@code NAME.key} (PKCS#8) under {@code dir}; returns the certificate file. */
        Path write(Path dir, String name) throws Exception {
            Files.writeString(dir.resolve(name + ".key"), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            return Files.writeString(dir.resolve(name + ".crt"), pem(certificate));
        }
    }

    private final KeyPair root = keys();
    private final X509Certificate rootCertificate;
    private final X500Name rootName;

    TestPki(String name) throws Exception {
        rootName = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(rootName, rootName, root);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        rootCertificate = sign(builder, root);
    }

    Path writeRoot(Path dir, String name) throws Exception {
        return Files.writeString(dir.resolve(name), pem(rootCertificate));
    }

    /** A server certificate for {@code dnsName} and 127.0.0.1. */
    Issued server(String dnsName) throws Exception {
        return leaf(dnsName, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }

    /** A client certificate (extendedKeyUsage clientAuth only). */
    Issued client(String name) throws Exception {
        return leaf(name, KeyPurposeId.id_kp_clientAuth, null);
    }

    private Issued leaf(String name, KeyPurposeId purpose, GeneralNames names) throws Exception {
        KeyPair keys = keys();
        X509v3CertificateBuilder builder = builder(rootName, new X500Name("CN=" + name), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new Issued(keys, sign(builder, root));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
