package io.oth.cert;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The parts read from a bundle, arranged by issuer (not by their place in the file): the server's
 * private key, the server (leaf) certificate, the intermediates from the leaf upwards and the
 * self-signed root. Parts that are missing or unusable are empty. {@link #toString()} never shows
 * the private key.
 */
public final class CertificateBundle {
    static final CertificateBundle EMPTY = new CertificateBundle(null, null, List.of(), null);

    private final PrivateKey key;
    private final X509Certificate leaf;
    private final List<X509Certificate> intermediates;
    private final X509Certificate root;

    CertificateBundle(PrivateKey key, X509Certificate leaf, List<X509Certificate> intermediates, X509Certificate root) {
        this.key = key;
        this.leaf = leaf;
        this.intermediates = List.copyOf(intermediates);
        this.root = root;
    }

    /** The first private key of the file, when it could be read (not encrypted, not damaged). */
    public Optional<PrivateKey> key() {
        return Optional.ofNullable(key);
    }

    /** The certificate the key belongs to or, without a usable key, the first non-CA certificate. */
    public Optional<X509Certificate> leaf() {
        return Optional.ofNullable(leaf);
    }

    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    public Optional<X509Certificate> root() {
        return Optional.ofNullable(root);
    }

    /** Leaf, intermediates, root: the order the file must have after the key. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        leaf().ifPresent(chain::add);
        chain.addAll(intermediates);
        root().ifPresent(chain::add);
        return List.copyOf(chain);
    }

    @Override
    public String toString() {
        String keyText = key == null ? "none" : key.getAlgorithm() + " private key";
        return "key: " + keyText
                + ", leaf: " + leaf().map(Block::name).orElse("none")
                + ", intermediates: [" + intermediates.stream().map(Block::name).collect(Collectors.joining("; ")) + "]"
                + ", root: " + root().map(Block::name).orElse("none");
    }
}
