package io.oth.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate the site CA issued, with its new private key and its chain up to the root. The PEM
 * renderers give each service the files it expects:
 * <ul>
 *   <li>MariaDB: {@code ssl_key} = {@link #keyPem()}, {@code ssl_cert} = {@link #fullChainPem()},
 *       {@code ssl_ca} = {@link #rootPem()};</li>
 *   <li>RabbitMQ: {@code keyfile} = {@link #keyPem()}, {@code certfile} = {@link #certPem()},
 *       {@code cacertfile} = {@link #chainPem()};</li>
 *   <li>MinIO: {@code private.key} = {@link #keyPem()}, {@code public.crt} = {@link #fullChainPem()}.</li>
 * </ul>
 * Its text names the certificate, never the key.
 */
public final class IssuedCertificate {
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final List<X509Certificate> chain;

    IssuedCertificate(PrivateKey privateKey, X509Certificate certificate, X509Certificate intermediate, X509Certificate root) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.chain = List.of(intermediate, root);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The issuing intermediate, then the root. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The private key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}): install it 0600. */
    public String keyPem() {
        return Pem.of(privateKey);
    }

    /** The leaf certificate alone. */
    public String certPem() {
        return Pem.of(certificate);
    }

    /** Intermediate, then root: what a peer needs to verify this certificate, as a CA file. */
    public String chainPem() {
        return Pem.of(chain.get(0), chain.get(1));
    }

    /** The root alone: the trust anchor. */
    public String rootPem() {
        return Pem.of(chain.get(1));
    }

    /** Leaf, then intermediate: what a server sends in its handshake. The root stays out, as peers must already have it. */
    public String fullChainPem() {
        return Pem.of(certificate, chain.get(0));
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + ", serial " + certificate.getSerialNumber().toString(16)
                + ", until " + certificate.getNotAfter().toInstant() + "]";
    }
}
