package io.oth.standin;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test CA and a server certificate for localhost / 127.0.0.1, written in MinIO's certs-dir layout. */
final class TestPki {
    /** How {@code private.key} is written. */
    enum KeyForm {
        /** {@code -----BEGIN PRIVATE KEY-----}, as oth writes keys. */
        PKCS8,
        /** {@code -----BEGIN RSA PRIVATE KEY-----} / {@code EC PRIVATE KEY}, as older openssl does. */
        TRADITIONAL
    }

    private final KeyPair caKeys;
    private final X509Certificate ca;

    TestPki() throws GeneralSecurityException, OperatorCreationException, IOException {
        caKeys = keyPair("EC");
        X500Name name = new X500Name("CN=minio stand-in test CA");
        X509v3CertificateBuilder builder = builder(name, name, caKeys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = sign(builder);
    }

    /** Writes {@code public.crt} (server certificate, then the CA) and {@code private.key}; returns the dir. */
    Path writeCertsDir(Path dir, String keyAlgorithm, KeyForm form) throws Exception {
        KeyPair server = keyPair(keyAlgorithm);
        X509v3CertificateBuilder builder = builder(new X500Name("CN=minio stand-in test CA"),
                new X500Name("CN=localhost"), server);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = sign(builder);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("public.crt"), pem(certificate, ca));
        Files.writeString(dir.resolve("private.key"), pem(form == KeyForm.PKCS8
                ? new JcaPKCS8Generator(server.getPrivate(), null) : server.getPrivate()));
        return dir;
    }

    /** A key that belongs to no certificate here. */
    static String strayKeyPem() throws Exception {
        return pem(new JcaPKCS8Generator(keyPair("EC").getPrivate(), null));
    }

    /** An HTTP client that trusts only the test CA. */
    OkHttpClient httpClient() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        X509TrustManager trustManager = (X509TrustManager) factory.getTrustManagers()[0];
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new X509TrustManager[] {trustManager}, null);
        return new OkHttpClient.Builder().sslSocketFactory(context.getSocketFactory(), trustManager).build();
    }

    private static KeyPair keyPair(String algorithm) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                subject, subjectKeys.getPublic());
    }

    private X509Certificate sign(X509v3CertificateBuilder builder)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static String pem(Object... parts) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object part : parts) {
                writer.writeObject(part);
            }
        }
        return text.toString();
    }
}
