package io.oth.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text of keys and certificates. Keys are written as unencrypted PKCS#8 ({@code PRIVATE KEY}),
 * which OpenSSL (MariaDB, haproxy), Erlang (RabbitMQ) and Go (MinIO) all read.
 */
public final class Pem {
    private Pem() {
    }

    /** Private keys and certificates, in the given order. */
    public static String of(Object... parts) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object part : parts) {
                writer.writeObject(part instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : part);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot render PEM", e);
        }
        return text.toString();
    }

    /** The private keys and certificates of {@code text}, in file order; other blocks are skipped. */
    static List<Object> parse(String text, String source) throws IOException {
        List<Object> parts = new ArrayList<>();
        // The JDK's key factories: reading the CA (every doctor does) makes no Bouncy Castle provider.
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object part = parser.readObject(); part != null; part = parser.readObject()) {
                if (part instanceof PrivateKeyInfo info) {
                    parts.add(keys.getPrivateKey(info));
                } else if (part instanceof PEMKeyPair pair) {
                    parts.add(keys.getPrivateKey(pair.getPrivateKeyInfo()));
                } else if (part instanceof X509CertificateHolder holder) {
                    parts.add(certificates.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            // Never e.getMessage(): a parser may quote the damaged text, which can be key material.
            throw new IOException(source + ": damaged PEM (a key or certificate block cannot be read)");
        }
        return parts;
    }

    static List<X509Certificate> certificates(List<Object> parts) {
        return parts.stream().filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
    }

    static List<PrivateKey> keys(List<Object> parts) {
        return parts.stream().filter(PrivateKey.class::isInstance).map(PrivateKey.class::cast).toList();
    }
}
