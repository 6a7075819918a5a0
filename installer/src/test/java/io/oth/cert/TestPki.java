package io.oth.cert;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A root CA, an intermediate CA and a server certificate, made at test time. Keys are cached per
 * (key set, role, type) because RSA generation is slow; a PKI built with another key set has
 * different keys (use it for "key from another PKI", "same name, other key").
 */
final class TestPki {
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String FQDN = "oth.example.test";

    private static final Provider BC = new BouncyCastleProvider();
    private static final Map<String, KeyPair> KEYS = new ConcurrentHashMap<>();
    private static final AtomicLong SERIAL = new AtomicLong(1000);
    private static final Function<String, X500Name> SERVER_NAME = cn -> new X500Name("CN=" + cn + ",O=Customer");

    enum KeyType { RSA_2048, RSA_1024, EC_P256, ED25519 }

    final KeyPair rootKey;
    final KeyPair intermediateKey;
    final KeyPair leafKey;
    final X509Certificate root;
    final X509Certificate intermediate;
    final X509Certificate leaf;

    private TestPki(Builder b) {
        rootKey = key(b.keySet, "root", b.caKeyType);
        intermediateKey = key(b.keySet, "intermediate", b.caKeyType);
        leafKey = key(b.keySet, "leaf", b.leafKeyType);
        X500Name rootName = new X500Name("CN=" + b.name + " Root CA,O=" + b.name);
        X500Name intermediateName = new X500Name("CN=" + b.name + " Intermediate CA,O=" + b.name);
        root = ca(rootName, rootKey.getPublic(), rootName, rootKey, NOW.minus(days(3650)), NOW.plus(days(3650)),
                new BasicConstraints(true));
        intermediate = ca(intermediateName, intermediateKey.getPublic(), rootName, rootKey, b.intermediateFrom, b.intermediateTo,
                b.intermediateIsCa ? new BasicConstraints(0) : null);
        leaf = serverCertificate(b.leafCn, b.sans, leafKey.getPublic(), intermediateName, intermediateKey, b.leafFrom, b.leafTo,
                b.unknownCriticalExtension);
    }

    static Builder builder() {
        return new Builder();
    }

    static TestPki standard() {
        return builder().build();
    }

    /** The bundle as the specification wants it: key (PKCS#8), leaf, intermediate, root. */
    String goodBundle() {
        return pem(leafKey.getPrivate(), leaf, intermediate, root);
    }

    /** A server certificate for the same key, issued directly by the root (no intermediate CA). */
    X509Certificate leafIssuedByRoot() {
        return serverCertificate(FQDN, List.of(FQDN), leafKey.getPublic(), X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                rootKey, NOW.minus(days(30)), NOW.plus(days(365)), false);
    }

    /** A self-signed server certificate for the leaf key. */
    X509Certificate selfSignedLeaf() {
        return serverCertificate(FQDN, List.of(FQDN), leafKey.getPublic(), SERVER_NAME.apply(FQDN), leafKey, NOW.minus(days(30)), NOW.plus(days(365)), false);
    }

    /** PEM text of the parts in the given order: keys as PKCS#8, certificates, or strings as they are. */
    static String pem(Object... parts) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.append(text);
            } else if (part instanceof PrivateKey key) {
                out.append(write(pemObject(() -> new JcaPKCS8Generator(key, null))));
            } else {
                out.append(write(part));
            }
        }
        return out.toString();
    }

    /**
     * The traditional OpenSSL form: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1). The SEC1
     * structure is built by hand because the JDK's PKCS#8 encoding leaves the curve out of it, and
     * OpenSSL writes the curve and the public key into it.
     */
    static String traditional(KeyPair pair) {
        if (pair.getPrivate() instanceof ECPrivateKey ec) {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
            byte[] publicPoint = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes();
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(),
                    ec.getS(), new DERBitString(publicPoint), info.getPrivateKeyAlgorithm().getParameters());
            return write(pemObject(() -> new PemObject("EC PRIVATE KEY", sec1.getEncoded())));
        }
        return write(pemObject(() -> new JcaMiscPEMGenerator(pair.getPrivate())));
    }

    static String encryptedPkcs8(PrivateKey key) {
        return write(pemObject(() -> new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                .setProvider(BC).setPassword("secret".toCharArray()).build())));
    }

    /** "Proc-Type: 4,ENCRYPTED" inside an RSA/EC PRIVATE KEY block, as old openssl genrsa -aes256 wrote. */
    static String encryptedTraditional(PrivateKey key) {
        return write(pemObject(() -> new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC)
                .build("secret".toCharArray()))));
    }

    static KeyPair key(String keySet, String role, KeyType type) {
        return KEYS.computeIfAbsent(keySet + "/" + role + "/" + type, k -> generate(type));
    }

    static Duration days(long days) {
        return Duration.ofDays(days);
    }

    private static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator;
            switch (type) {
                case RSA_2048, RSA_1024 -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(type == KeyType.RSA_2048 ? 2048 : 1024);
                }
                case EC_P256 -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                }
                default -> generator = KeyPairGenerator.getInstance("Ed25519");
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate ca(X500Name subject, PublicKey key, X500Name issuer, KeyPair issuerKey, Instant from, Instant to,
            BasicConstraints constraints) {
        return sign(issuerKey, builder -> {
            if (constraints != null) {
                builder.addExtension(Extension.basicConstraints, true, constraints);
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }, subject, key, issuer, from, to);
    }

    private static X509Certificate serverCertificate(String cn, List<String> sans, PublicKey key, X500Name issuer, KeyPair issuerKey,
            Instant from, Instant to, boolean unknownCriticalExtension) {
        return sign(issuerKey, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            if (!sans.isEmpty()) {
                GeneralName[] names = sans.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            if (unknownCriticalExtension) {
                builder.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true, DERNull.INSTANCE);
            }
        }, SERVER_NAME.apply(cn), key, issuer, from, to);
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private static X509Certificate sign(KeyPair issuerKey, Extensions extensions, X500Name subject, PublicKey key, X500Name issuer,
            Instant from, Instant to) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from), Date.from(to), subject, key);
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey.getPublic()));
            extensions.add(builder);
            String algorithm = switch (issuerKey.getPrivate().getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> "Ed25519";
            };
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(issuerKey.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface PemSource {
        Object create() throws Exception;
    }

    private static Object pemObject(PemSource source) {
        try {
            return source.create();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static final class Builder {
        private String name = "Test";
        private String keySet = "main";
        private KeyType caKeyType = KeyType.RSA_2048;
        private KeyType leafKeyType = KeyType.RSA_2048;
        private String leafCn = FQDN;
        private List<String> sans = List.of(FQDN);
        private Instant leafFrom = NOW.minus(days(30));
        private Instant leafTo = NOW.plus(days(365));
        private Instant intermediateFrom = NOW.minus(days(365));
        private Instant intermediateTo = NOW.plus(days(5 * 365));
        private boolean intermediateIsCa = true;
        private boolean unknownCriticalExtension;

        /** Names the CAs "NAME Root CA" and "NAME Intermediate CA". */
        Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Another key set gives other keys, also under the same names. */
        Builder keySet(String keySet) {
            this.keySet = keySet;
            return this;
        }

        Builder caKey(KeyType type) {
            this.caKeyType = type;
            return this;
        }

        Builder leafKey(KeyType type) {
            this.leafKeyType = type;
            return this;
        }

        /** Common name and subjectAltName DNS names of the server certificate; no names: no SAN extension. */
        Builder leafNames(String cn, String... sans) {
            this.leafCn = cn;
            this.sans = List.of(sans);
            return this;
        }

        Builder leafValidity(Instant from, Instant to) {
            this.leafFrom = from;
            this.leafTo = to;
            return this;
        }

        Builder intermediateValidity(Instant from, Instant to) {
            this.intermediateFrom = from;
            this.intermediateTo = to;
            return this;
        }

        /** An "intermediate" without basicConstraints, as some broken internal CAs issue them. */
        Builder intermediateWithoutCaFlag() {
            this.intermediateIsCa = false;
            return this;
        }

        /** A critical extension no client knows, which makes every client reject the server certificate. */
        Builder leafWithUnknownCriticalExtension() {
            this.unknownCriticalExtension = true;
            return this;
        }

        TestPki build() {
            return new TestPki(this);
        }
    }
}
