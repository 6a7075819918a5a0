package io.oth.cert;

import static io.oth.cert.FindingCode.CHAIN_INVALID;
import static io.oth.cert.FindingCode.ENCRYPTED_KEY;
import static io.oth.cert.FindingCode.EXPIRED;
import static io.oth.cert.FindingCode.EXPIRES_SOON;
import static io.oth.cert.FindingCode.EXTRA_BLOCKS;
import static io.oth.cert.FindingCode.FILE_UNREADABLE;
import static io.oth.cert.FindingCode.INTERMEDIATE_MISSING;
import static io.oth.cert.FindingCode.KEY_MISMATCH;
import static io.oth.cert.FindingCode.KEY_NOT_FIRST;
import static io.oth.cert.FindingCode.MULTIPLE_KEYS;
import static io.oth.cert.FindingCode.NAME_MISMATCH;
import static io.oth.cert.FindingCode.NOT_PEM;
import static io.oth.cert.FindingCode.NOT_YET_VALID;
import static io.oth.cert.FindingCode.NO_CERTIFICATE;
import static io.oth.cert.FindingCode.NO_KEY;
import static io.oth.cert.FindingCode.NO_SAN;
import static io.oth.cert.FindingCode.ROOT_MISSING;
import static io.oth.cert.FindingCode.SELF_SIGNED;
import static io.oth.cert.FindingCode.UNREADABLE_BLOCK;
import static io.oth.cert.FindingCode.UNSUPPORTED_KEY;
import static io.oth.cert.FindingCode.WEAK_KEY;
import static io.oth.cert.FindingCode.WRONG_ORDER;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Checks the customer's certificate bundle for haproxy: one PEM file holding the server's private
 * key, the server certificate, the intermediate CA certificate(s) and the root CA certificate, in
 * that order. Every problem is reported at once, but a problem that follows from another one is
 * not reported again (no key: no key/certificate comparison; a damaged certificate block: no
 * "missing intermediate").
 */
public final class BundleCheck {
    /** Certificates expiring sooner than this are reported, to leave time to renew. */
    public static final Duration RENEWAL_WINDOW = Duration.ofDays(30);
    /** A bundle is a few kilobytes; a file this large is the wrong file. */
    static final long MAX_FILE_BYTES = 1L << 20;

    /** Parameter blocks OpenSSL writes next to keys; haproxy reads or skips them, so they are no finding. */
    private static final Set<String> TOLERATED_LABELS = Set.of("EC PARAMETERS", "DH PARAMETERS");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    /** When one of these is found, PKIX validation would only repeat it in vaguer words. */
    private static final Set<FindingCode> CHAIN_PROBLEMS = EnumSet.of(CHAIN_INVALID, EXPIRED, NOT_YET_VALID, WEAK_KEY, SELF_SIGNED);

    private final String file;
    private final String fqdn;
    private final Instant now;
    private final List<Finding> findings = new ArrayList<>();

    private BundleCheck(String file, String fqdn, Instant now) {
        this.file = file;
        this.fqdn = fqdn;
        this.now = now;
    }

    /** Reads and checks the bundle at {@code file}; a missing or unreadable file is a FILE_UNREADABLE finding. */
    public static BundleReport check(Path file, String fqdn, Clock clock) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0, name + ": is a directory, not a certificate bundle file"));
            }
            // A FIFO would block the read for ever, /dev/zero would fill the memory: only a regular file is opened.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0, name + ": is not a regular file (a FIFO or a device?), not a certificate bundle file"));
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0,
                        name + ": is " + Files.size(file) + " bytes, too large for a certificate bundle (a few kilobytes): is it the right file?"));
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0, name + ": the certificate bundle file does not exist"));
        } catch (AccessDeniedException e) {
            return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0, name + ": cannot be read: permission denied"));
        } catch (IOException e) {
            return BundleReport.of(name, Finding.of(FILE_UNREADABLE, 0, name + ": cannot be read: " + e.getMessage()));
        }
        return check(bytes, name, fqdn, clock);
    }

    /**
     * Checks a bundle's content. {@code fileName} only names the file in messages; {@code fqdn} is
     * the name the server certificate must cover; {@code clock} decides what is expired.
     */
    public static BundleReport check(byte[] pem, String fileName, String fqdn, Clock clock) {
        Objects.requireNonNull(fqdn, "fqdn");
        return new BundleCheck(fileName, fqdn, clock.instant()).run(pem);
    }

    private BundleReport run(byte[] bytes) {
        // PEM is ASCII; Latin-1 maps every byte, so a stray binary byte cannot make decoding fail.
        List<PemBlock> pems = PemBlock.split(new String(bytes, StandardCharsets.ISO_8859_1));
        if (pems.isEmpty()) {
            add(NOT_PEM, 0, file + ": " + notPemReason(bytes));
            return report(CertificateBundle.EMPTY);
        }
        List<Block> blocks = pems.stream().map(BundleCheck::parse).toList();
        List<Block.Key> keys = ofType(blocks, Block.Key.class);
        List<Block.Certificate> certs = ofType(blocks, Block.Certificate.class);
        List<Block.Unreadable> unreadable = ofType(blocks, Block.Unreadable.class);
        boolean keyUnreadable = unreadable.stream().anyMatch(Block.Unreadable::isKey);
        boolean certUnreadable = unreadable.stream().anyMatch(b -> !b.isKey());

        unreadable.forEach(b -> add(UNREADABLE_BLOCK, b.number(), at(b) + b.reason()));
        PrivateKey key = checkKeys(blocks, keys, keyUnreadable);
        if (certs.isEmpty()) {
            if (!certUnreadable) {
                add(NO_CERTIFICATE, 0, file + ": no certificate: the server certificate, the intermediate and the root CA"
                        + " certificates must follow the private key");
            }
            reportOtherBlocks(blocks);
            return report(new CertificateBundle(key, null, List.of(), null));
        }

        Block.Certificate leaf = chooseLeaf(key, keys, certs);
        Chain chain = buildChain(leaf, certs);
        if (!certUnreadable) {
            checkCompleteness(chain, certs);
            checkOrder(chain, certs, keys);
            reportCertificatesOutsideChain(chain, certs);
        }
        reportOtherBlocks(blocks);
        checkCaCertificates(chain);
        chain.path.forEach(this::checkValidity);
        chain.path.forEach(this::checkStrength);
        checkName(leaf);
        if (chain.complete && chain.path.size() > 1 && findings.stream().noneMatch(f -> CHAIN_PROBLEMS.contains(f.code()))) {
            validatePkix(chain);
        }

        List<X509Certificate> path = chain.path.stream().map(Block.Certificate::cert).toList();
        boolean hasRoot = chain.complete && path.size() > 1;
        return report(new CertificateBundle(key,
                path.get(0),
                path.subList(1, hasRoot ? path.size() - 1 : path.size()),
                hasRoot ? path.get(path.size() - 1) : null));
    }

    /** Reports key problems and returns the key to compare with the certificates, or null when there is none to use. */
    private PrivateKey checkKeys(List<Block> blocks, List<Block.Key> keys, boolean keyUnreadable) {
        if (keys.isEmpty()) {
            if (!keyUnreadable) {
                add(NO_KEY, 0, file + ": private key missing: the file must start with the server's private key"
                        + " (a -----BEGIN PRIVATE KEY----- block)");
            }
            return null;
        }
        Block firstKey = blocks.stream().filter(b -> b instanceof Block.Key || b instanceof Block.Unreadable u && u.isKey()).findFirst().orElseThrow();
        blocks.stream()
                .filter(b -> b.number() < firstKey.number())
                .filter(b -> b instanceof Block.Certificate || b instanceof Block.Unreadable u && !u.isKey())
                .findFirst()
                .ifPresent(cert -> add(KEY_NOT_FIRST, cert.number(), at(cert) + "certificate before key: it comes before the private key in "
                        + firstKey.where() + "; the private key must be the first block of the file"));
        if (keys.size() > 1) {
            add(MULTIPLE_KEYS, keys.get(1).number(), file + ": blocks " + numbers(keys) + " are private keys; the file must"
                    + " contain exactly one, the key of the server certificate: remove the others");
        }
        Block.Key first = keys.get(0);
        if (first.encrypted()) {
            add(ENCRYPTED_KEY, first.number(), at(first) + "the private key is protected by a passphrase, which haproxy cannot"
                    + " enter when it starts; remove the passphrase (openssl pkey -in key.pem -out key-plain.pem) and keep the file safe");
            return null;
        }
        if (!KeyMatch.supported(first.key())) {
            add(UNSUPPORTED_KEY, first.number(), at(first) + "the private key is of type " + keyType(first.key())
                    + "; use an RSA (2048 bits or more) or EC (P-256 or P-384) key");
            return null;
        }
        return first.key();
    }

    /**
     * The certificate the key belongs to; without a usable key, or when the key belongs to none
     * (KEY_MISMATCH), the first certificate that is not a CA.
     */
    private Block.Certificate chooseLeaf(PrivateKey key, List<Block.Key> keys, List<Block.Certificate> certs) {
        Block.Certificate firstEndEntity = certs.stream().filter(c -> c.cert().getBasicConstraints() < 0).findFirst().orElse(certs.get(0));
        if (key == null) {
            return firstEndEntity;
        }
        for (Block.Certificate cert : certs) {
            if (KeyMatch.matches(key, cert.cert().getPublicKey())) {
                return cert;
            }
        }
        add(KEY_MISMATCH, keys.get(0).number(), at(keys.get(0)) + "key does not match certificate: the private key does not belong to "
                + firstEndEntity.where() + " nor to any other certificate in the file; use the key that was generated"
                + " together with the certificate request");
        return firstEndEntity;
    }

    /** The issuer path from the leaf, following names and signatures through the certificates of the file. */
    private Chain buildChain(Block.Certificate leaf, List<Block.Certificate> certs) {
        List<Block.Certificate> path = new ArrayList<>(List.of(leaf));
        Block.Certificate current = leaf;
        while (true) {
            X509Certificate cert = current.cert();
            if (isSelfIssued(cert)) {
                if (!signedBy(cert, cert.getPublicKey())) {
                    add(CHAIN_INVALID, current.number(), at(current) + "its self-signature does not verify: the certificate is damaged");
                }
                return new Chain(path, true);
            }
            List<Block.Certificate> candidates = certs.stream()
                    .filter(c -> !path.contains(c))
                    .filter(c -> c.cert().getSubjectX500Principal().equals(cert.getIssuerX500Principal()))
                    .toList();
            if (candidates.isEmpty()) {
                return new Chain(path, false);
            }
            Block.Certificate child = current;
            Block.Certificate issuer = candidates.stream().filter(c -> signedBy(cert, c.cert().getPublicKey())).findFirst().orElseGet(() -> {
                Block.Certificate namesake = candidates.get(0);
                add(CHAIN_INVALID, child.number(), at(child) + "its signature does not verify with the key of " + namesake.where()
                        + ", although that certificate has its issuer's name: it is another certificate of the same name"
                        + " (an older or re-keyed CA); get the right one from the certificate authority");
                return namesake;
            });
            path.add(issuer);
            current = issuer;
        }
    }

    private void checkCompleteness(Chain chain, List<Block.Certificate> certs) {
        Block.Certificate leaf = chain.path.get(0);
        if (chain.complete) {
            if (chain.path.size() == 1) {
                add(SELF_SIGNED, leaf.number(), at(leaf) + "the server certificate is self-signed, which browsers and apps do not"
                        + " trust; use a certificate issued by a certificate authority, followed by its intermediate and root CA certificates");
            }
            return;
        }
        Block.Certificate end = chain.path.get(chain.path.size() - 1);
        String missing = Block.name(end.cert().getIssuerX500Principal());
        boolean fileHasRoot = certs.stream().anyMatch(c -> c != leaf && isSelfIssued(c.cert()));
        if (end == leaf || fileHasRoot) {
            add(INTERMEDIATE_MISSING, end.number(), at(end) + "intermediate missing: the certificate of its issuer, " + missing
                    + ", is not in the file; add that CA intermediate certificate right after it");
        }
        if (!fileHasRoot) {
            String where = end == leaf ? "" : "the chain ends at " + end.where() + ", issued by " + missing + "; ";
            add(ROOT_MISSING, end == leaf ? 0 : end.number(), file + ": root missing: " + where
                    + "the file has no root CA certificate (self-signed); add it as the last block");
        }
    }

    /** Each certificate must be followed by its issuer; curl and openssl rebuild the path, so only this catches it. */
    private void checkOrder(Chain chain, List<Block.Certificate> certs, List<Block.Key> keys) {
        List<Block.Certificate> inFileOrder = certs.stream().filter(chain.path::contains).toList();
        for (int i = 0; i < inFileOrder.size(); i++) {
            Block.Certificate found = inFileOrder.get(i);
            Block.Certificate expected = chain.path.get(i);
            if (found != expected) {
                String rule = i == 0
                        ? "the first certificate must be the server certificate, " + expected.where()
                        : "each certificate must be followed by its issuer: after " + chain.path.get(i - 1).where()
                                + " must come " + expected.where();
                List<Block> order = new ArrayList<>(keys.subList(0, Math.min(1, keys.size())));
                order.addAll(chain.path);
                add(WRONG_ORDER, found.number(), at(found) + "wrong order: this block is out of place; " + rule
                        + ". Put the blocks in this order: " + order.stream().map(b -> String.valueOf(b.number())).collect(Collectors.joining(", ")));
                return;
            }
        }
    }

    /** Certificates that are not on the leaf's path; only judged when the path is complete, else they may belong to it. */
    private void reportCertificatesOutsideChain(Chain chain, List<Block.Certificate> certs) {
        if (!chain.complete) {
            return;
        }
        certs.stream().filter(c -> !chain.path.contains(c)).forEach(c -> add(EXTRA_BLOCKS, c.number(), at(c)
                + "this certificate is not part of the chain of the server certificate " + chain.path.get(0).where()
                + "; haproxy would send it to every client: remove it"));
    }

    private void reportOtherBlocks(List<Block> blocks) {
        ofType(blocks, Block.Other.class).stream().filter(b -> !b.tolerated()).forEach(b -> add(EXTRA_BLOCKS, b.number(), at(b)
                + "unexpected block type; the file must contain only the private key and the certificates: remove it"));
    }

    private void checkCaCertificates(Chain chain) {
        for (int i = 1; i < chain.path.size(); i++) {
            Block.Certificate ca = chain.path.get(i);
            String issued = "it issued " + chain.path.get(i - 1).where();
            if (ca.cert().getBasicConstraints() < 0) {
                add(CHAIN_INVALID, ca.number(), at(ca) + issued + " but is not a CA certificate (basicConstraints CA=true is"
                        + " missing), so clients reject the chain; get the correct CA certificate from the certificate authority");
            }
            boolean[] usage = ca.cert().getKeyUsage();
            if (usage != null && !usage[5]) {
                add(CHAIN_INVALID, ca.number(), at(ca) + issued + " but its key usage does not allow signing certificates"
                        + " (keyCertSign), so clients reject the chain");
            }
        }
    }

    private void checkValidity(Block.Certificate block) {
        X509Certificate cert = block.cert();
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            add(EXPIRED, block.number(), at(block) + "expired on " + DATE.format(notAfter) + " (" + days(notAfter, now)
                    + " ago); renew it and replace it in the file");
        } else if (now.isBefore(notBefore)) {
            add(NOT_YET_VALID, block.number(), at(block) + "not valid before " + DATE.format(notBefore) + " (in "
                    + days(now, notBefore) + "); wait until then, or check this machine's clock");
        } else if (Duration.between(now, notAfter).compareTo(RENEWAL_WINDOW) < 0) {
            add(EXPIRES_SOON, block.number(), at(block) + "expires on " + DATE.format(notAfter) + ", in "
                    + days(now, notAfter) + "; renew it soon");
        }
    }

    private void checkStrength(Block.Certificate block) {
        PublicKey key = block.cert().getPublicKey();
        if (KeyMatch.supported(key) && KeyMatch.bits(key) < KeyMatch.minimumBits(key)) {
            add(WEAK_KEY, block.number(), at(block) + "its " + key.getAlgorithm() + " key has only " + KeyMatch.bits(key)
                    + " bits; browsers require at least " + KeyMatch.minimumBits(key) + ": request a new certificate with a stronger key");
        }
    }

    /** SAN DNS names decide; the CN is only looked at when there are none (RFC 6125). */
    private void checkName(Block.Certificate leaf) {
        List<String> sans = ServerNames.dnsNames(leaf.cert());
        if (!sans.isEmpty()) {
            if (sans.stream().noneMatch(n -> ServerNames.covers(n, fqdn))) {
                add(NAME_MISMATCH, leaf.number(), at(leaf) + "the certificate is not valid for " + fqdn
                        + ": its names (subjectAltName) are " + String.join(", ", sans)
                        + (sans.stream().anyMatch(n -> n.startsWith("*.")) ? " (a wildcard covers exactly one label)" : "")
                        + "; request a certificate that includes " + fqdn);
            }
            return;
        }
        List<String> cns = ServerNames.commonNames(leaf.cert());
        if (cns.stream().anyMatch(n -> ServerNames.covers(n, fqdn))) {
            add(NO_SAN, leaf.number(), at(leaf) + "the certificate names " + fqdn + " only in its common name and has no"
                    + " subjectAltName, which current browsers and mobile apps require; request a certificate with "
                    + fqdn + " as a subjectAltName DNS name");
        } else {
            add(NAME_MISMATCH, leaf.number(), at(leaf) + "the certificate is not valid for " + fqdn + ": it has no subjectAltName"
                    + " names and its common name is " + (cns.isEmpty() ? "missing" : String.join(", ", cns))
                    + "; request a certificate that includes " + fqdn);
        }
    }

    /** What the explicit checks do not cover (path length, name constraints, unknown critical extensions). */
    private void validatePkix(Chain chain) {
        List<X509Certificate> path = chain.path.stream().map(Block.Certificate::cert).toList();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path.subList(0, path.size() - 1));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(path.get(path.size() - 1), null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            Block.Certificate failed = e.getIndex() >= 0 ? chain.path.get(e.getIndex()) : chain.path.get(chain.path.size() - 1);
            add(CHAIN_INVALID, failed.number(), at(failed) + "the chain does not validate: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            add(CHAIN_INVALID, 0, file + ": the chain cannot be validated: " + e.getMessage());
        }
    }

    private static Block parse(PemBlock pem) {
        String label = pem.label();
        boolean isKey = label.endsWith("PRIVATE KEY");
        if (!isKey && !label.equals("CERTIFICATE")) {
            return new Block.Other(pem.number(), label, TOLERATED_LABELS.contains(label));
        }
        if (!pem.terminated()) {
            return new Block.Unreadable(pem.number(), label, "the block has no \"-----END " + label + "-----\" line");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem.text()))) {
            Object parsed = parser.readObject();
            if (parsed instanceof X509CertificateHolder holder) {
                return new Block.Certificate(pem.number(), new JcaX509CertificateConverter().getCertificate(holder));
            }
            if (parsed instanceof PEMKeyPair pair) {
                return new Block.Key(pem.number(), privateKey(pair.getPrivateKeyInfo()));
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return new Block.Key(pem.number(), privateKey(info));
            }
            if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
                return new Block.Key(pem.number(), null);
            }
            return new Block.Unreadable(pem.number(), label, "the block does not hold a " + label.toLowerCase(Locale.ROOT));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Decoder messages of a key block could echo key bytes; say only that it is damaged.
            String reason = isKey ? "the private key cannot be decoded: the block is damaged or incomplete"
                    : "the certificate cannot be decoded (" + rootMessage(e) + "): the block is damaged or incomplete";
            return new Block.Unreadable(pem.number(), label, reason);
        }
    }

    /**
     * The key as the JDK's providers read it (RSA, EC on the curves browsers take, Ed25519, ...);
     * what they cannot read, Bouncy Castle's provider may (made only then: it costs a fresh JVM about
     * a fifth of a CPU second, and every doctor checks the bundle).
     */
    static PrivateKey privateKey(PrivateKeyInfo info) throws PEMException {
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException notForTheJdk) {
            return new JcaPEMKeyConverter().setProvider(BouncyCastle.provider()).getPrivateKey(info);
        }
    }

    /** The key's algorithm as people name it: the JDK calls an Ed25519 key "EdDSA". */
    private static String keyType(PrivateKey key) {
        return key instanceof java.security.interfaces.EdECKey ed ? ed.getParams().getName() : key.getAlgorithm();
    }

    private static String notPemReason(byte[] bytes) {
        if (new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
            return "the file is empty";
        }
        if (bytes[0] == 0x30) {
            return "the file is binary (DER or PKCS#12: .der, .cer, .pfx, .p12), not PEM text; convert it to PEM"
                    + " (for a .pfx/.p12: openssl pkcs12 -in FILE -nodes)";
        }
        return "no PEM blocks (lines like -----BEGIN CERTIFICATE-----) in the file; it is not a PEM certificate bundle";
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static boolean isSelfIssued(X509Certificate cert) {
        return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
    }

    private static boolean signedBy(X509Certificate cert, PublicKey issuerKey) {
        try {
            cert.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static <T extends Block> List<T> ofType(List<Block> blocks, Class<T> type) {
        return blocks.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static String numbers(List<? extends Block> blocks) {
        List<String> numbers = blocks.stream().map(b -> String.valueOf(b.number())).toList();
        return numbers.size() == 1 ? numbers.get(0)
                : String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and " + numbers.get(numbers.size() - 1);
    }

    private static String days(Instant from, Instant to) {
        long days = Duration.between(from, to).toDays();
        return days == 0 ? "less than a day" : days == 1 ? "1 day" : days + " days";
    }

    private String at(Block block) {
        return file + ": " + block.where() + ": ";
    }

    private void add(FindingCode code, int block, String message) {
        findings.add(Finding.of(code, block, message));
    }

    private BundleReport report(CertificateBundle bundle) {
        return new BundleReport(file, findings, bundle);
    }

    /** The leaf first, then each certificate's issuer; complete when it ends at a self-signed certificate. */
    private record Chain(List<Block.Certificate> path, boolean complete) {
    }
}
