package io.oth.ca;

import io.oth.secret.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The site's own certificate authority, kept on the operator's machine in one directory
 * ({@code ~/.local/state/oth/SITE/ca/}, 0700):
 * <ul>
 *   <li>{@code root.pem}: the root CA's key and certificate (EC P-256, 10 years, pathlen 1), 0600;</li>
 *   <li>{@code issuer.pem}: the issuing intermediate's key and certificate (EC P-256, 2 years,
 *       pathlen 0), 0600;</li>
 *   <li>{@code retired/SERIAL.crt}: intermediates replaced by {@link #rotateIssuer()}, certificate
 *       only, kept until they expire.</li>
 * </ul>
 * Each key is in one file with its certificate, so that one atomic rename replaces both: a crash
 * cannot leave a key with another key's certificate. Every service on every node gets its own key
 * and a short-lived certificate instead of one long-lived certificate shared by all (see
 * docs/internal-ca.md).
 */
public final class SiteCa {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);
    public static final Duration DEFAULT_RENEWAL_WINDOW = Duration.ofDays(30);
    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    static final Duration ISSUER_VALIDITY = Duration.ofDays(730);
    /** Twice the default validity: a due rotation still leaves room for a full-length certificate and its renewal. */
    static final Duration ISSUER_ROTATION_WINDOW = Duration.ofDays(180);
    /** notBefore is set this far back, so that a node whose clock is a little behind accepts a new certificate. */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final Pattern RETIRED_FILE = Pattern.compile("[0-9a-f]{1,40}\\.crt");

    private final Path dir;
    private final String siteName;
    private final Clock clock;
    private final Authority root;
    private Authority issuer;
    private List<X509Certificate> retired;
    private final boolean saved;

    private SiteCa(Path dir, String siteName, Clock clock, Authority root, Authority issuer, List<X509Certificate> retired, boolean saved) {
        this.saved = saved;
        this.dir = dir;
        this.siteName = siteName;
        this.clock = clock;
        this.root = root;
        this.issuer = issuer;
        this.retired = retired;
    }

    /**
     * Loads the CA in {@code dir}, creating what is missing: the root and the intermediate the first
     * time, the intermediate alone when a first run stopped between the two.
     */
    public static SiteCa openOrCreate(Path dir, String siteName, Clock clock) throws CaException {
        try {
            PrivateFiles.createDirectory(dir);
            return PrivateFiles.underLock(dir.resolve(".lock"), () -> assemble(dir, siteName, clock, true));
        } catch (IOException e) {
            throw new CaException(e.getMessage(), e);
        }
    }

    /**
     * The CA {@link #openOrCreate} would give, for a plan ({@code install --check}): what exists in
     * {@code dir} is read and checked the same way, what is missing is made in memory only, and
     * nothing is written (no directory, no lock file, no expired intermediate deleted). It cannot
     * rotate its intermediate.
     */
    public static SiteCa unsaved(Path dir, String siteName, Clock clock) throws CaException {
        try {
            return assemble(dir, siteName, clock, false);
        } catch (IOException e) {
            throw new CaException(e.getMessage(), e);
        }
    }

    private static SiteCa assemble(Path dir, String siteName, Clock clock, boolean save) throws IOException {
        Path rootFile = dir.resolve("root.pem");
        Path issuerFile = dir.resolve("issuer.pem");
        Authority root;
        if (Files.exists(rootFile)) {
            root = load(rootFile);
        } else if (Files.exists(issuerFile)) {
            throw new IOException(issuerFile + " exists but " + rootFile + " does not: restore root.pem from a backup;"
                    + " a new root would not be trusted by any node");
        } else {
            root = newRoot(siteName, clock);
            if (save) {
                PrivateFiles.write(rootFile, Pem.of(root.key(), root.certificate()));
            }
        }
        Authority issuer;
        if (Files.exists(issuerFile)) {
            issuer = load(issuerFile);
            if (!Signer.issued(root.certificate(), issuer.certificate())) {
                throw new IOException(issuerFile + " was not issued by the root CA in " + rootFile);
            }
        } else {
            issuer = newIssuer(root, siteName, clock);
            if (save) {
                PrivateFiles.write(issuerFile, Pem.of(issuer.key(), issuer.certificate()));
            }
        }
        List<X509Certificate> retired = unexpired(dir, root, issuer, clock, save);
        return new SiteCa(dir, siteName, clock, root, issuer, retired, save);
    }

    /**
     * The CA in {@code dir} if oth has made one there (by an install), read as it is: for readers
     * such as doctor, which must change nothing (no lock file, no intermediate made where one is
     * missing, no expired retired intermediate deleted). A CA that an interrupted first install
     * left without its intermediate is an error here, naming the file.
     */
    public static java.util.Optional<SiteCa> existing(Path dir, String siteName, Clock clock) throws CaException {
        Path rootFile = dir.resolve("root.pem");
        Path issuerFile = dir.resolve("issuer.pem");
        if (!Files.exists(rootFile)) {
            return java.util.Optional.empty();
        }
        try {
            if (!Files.exists(issuerFile)) {
                throw new IOException(issuerFile + " is missing (an install stopped while making the CA); oth install makes it");
            }
            Authority root = load(rootFile);
            Authority issuer = load(issuerFile);
            if (!Signer.issued(root.certificate(), issuer.certificate())) {
                throw new IOException(issuerFile + " was not issued by the root CA in " + rootFile);
            }
            return java.util.Optional.of(new SiteCa(dir, siteName, clock, root, issuer, unexpired(dir, root, issuer, clock, false), false));
        } catch (IOException e) {
            throw new CaException(e.getMessage(), e);
        }
    }

    /** {@link #issue(ServiceIdentity, Duration)} for {@link #DEFAULT_VALIDITY} (90 days). */
    public IssuedCertificate issue(ServiceIdentity id) throws CaException {
        return issue(id, DEFAULT_VALIDITY);
    }

    /**
     * A certificate for {@code id} with a new key pair, signed by the current intermediate. Refused
     * when it would outlive the intermediate: clients would reject it from that day on, so rotate the
     * issuer first ({@link #issuerNeedsRotation()}).
     */
    public synchronized IssuedCertificate issue(ServiceIdentity id, Duration validity) throws CaException {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, not " + validity);
        }
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant issuerEnd = issuer.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(issuerEnd)) {
            throw new CaException("a certificate for " + id.commonName() + " valid until " + notAfter + " would outlive the issuing CA ("
                    + issuer + "): rotate the issuing CA first");
        }
        KeyPair key = Signer.newKeyPair();
        X509Certificate leaf = Signer.leaf(issuer, Signer.name(siteName, id.commonName()), key.getPublic(), now.minus(CLOCK_SKEW), notAfter, id);
        return new IssuedCertificate(key.getPrivate(), leaf, issuer.certificate(), root.certificate());
    }

    /** Whether the intermediate has less than 180 days left, after which it should be replaced. */
    public synchronized boolean issuerNeedsRotation() {
        return !clock.instant().plus(ISSUER_ROTATION_WINDOW).isBefore(issuer.certificate().getNotAfter().toInstant());
    }

    /**
     * Replaces the intermediate with a new one under the same root, so every client that trusts the
     * root trusts the new certificates at once. The old intermediate's key is deleted (it will never
     * sign again); its certificate moves to {@code retired/} and stays until it expires, which is
     * also when the last certificate it issued expires (none may outlive it). Certificates it issued
     * stay valid and are still reported as issued by this CA until then.
     */
    public synchronized X509Certificate rotateIssuer() throws CaException {
        if (!saved) {
            throw new IllegalStateException("a CA read for a plan does not rotate its intermediate: " + this);
        }
        try {
            return PrivateFiles.underLock(dir.resolve(".lock"), () -> {
                // Another oth run may have rotated since this one opened the CA: retire what is on disk.
                X509Certificate old = load(dir.resolve("issuer.pem")).certificate();
                PrivateFiles.write(retiredFile(dir, old), Pem.of(old));
                Authority fresh = newIssuer(root, siteName, clock);
                PrivateFiles.write(dir.resolve("issuer.pem"), Pem.of(fresh.key(), fresh.certificate()));
                issuer = fresh;
                retired = unexpired(dir, root, issuer, clock, true);
                return fresh.certificate();
            });
        } catch (IOException e) {
            throw new CaException(e.getMessage(), e);
        }
    }

    /** {@link #needsRenewal(X509Certificate, Duration, Clock)} with the 30-day {@link #DEFAULT_RENEWAL_WINDOW}. */
    public static boolean needsRenewal(X509Certificate cert, Clock clock) {
        return needsRenewal(cert, DEFAULT_RENEWAL_WINDOW, clock);
    }

    /** Whether {@code cert} expires within {@code window} from now (or has expired). */
    public static boolean needsRenewal(X509Certificate cert, Duration window, Clock clock) {
        return !clock.instant().plus(window).isBefore(cert.getNotAfter().toInstant());
    }

    /** Whole days until {@code cert} expires (negative once it has). */
    public static long daysLeft(X509Certificate cert, Clock clock) {
        return Math.floorDiv(Duration.between(clock.instant(), cert.getNotAfter().toInstant()).getSeconds(), Duration.ofDays(1).getSeconds());
    }

    /** The status of the first certificate in {@code pem} (a leaf, or leaf + intermediate, as read from a node). */
    public CertificateStatus status(String pem) throws CaException {
        List<X509Certificate> certificates;
        try {
            certificates = Pem.certificates(Pem.parse(pem, "the certificate"));
        } catch (IOException e) {
            throw new CaException(e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new CaException("no certificate in the PEM text");
        }
        return status(certificates.get(0));
    }

    public synchronized CertificateStatus status(X509Certificate cert) {
        String commonName = commonName(cert).orElse("");
        int dot = commonName.indexOf('.');
        String service = dot < 0 ? commonName : commonName.substring(0, dot);
        String node = dot < 0 ? "" : commonName.substring(dot + 1);
        Instant notAfter = cert.getNotAfter().toInstant();
        long daysLeft = daysLeft(cert, clock);
        boolean ours = Stream.concat(Stream.of(issuer.certificate()), retired.stream()).anyMatch(ca -> Signer.issued(ca, cert));
        return new CertificateStatus(service, node, cert.getSubjectX500Principal().getName(), cert.getIssuerX500Principal().getName(), notAfter, daysLeft, ours);
    }

    public X509Certificate rootCertificate() {
        return root.certificate();
    }

    /** The root certificate: what every node and client trusts. */
    public String rootPem() {
        return Pem.of(root.certificate());
    }

    public synchronized X509Certificate issuerCertificate() {
        return issuer.certificate();
    }

    /** Intermediates replaced by a rotation that have not expired yet, newest first. */
    public synchronized List<X509Certificate> retiredIssuers() {
        return retired;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public synchronized String toString() {
        return "SiteCa[" + siteName + " in " + dir + ", root " + root + ", issuer " + issuer + ", retired " + retired.size() + "]";
    }

    private static Authority newRoot(String siteName, Clock clock) {
        Instant now = clock.instant();
        KeyPair key = Signer.newKeyPair();
        X509Certificate certificate = Signer.root(Signer.name(siteName, "oth " + siteName + " root CA"), key, now.minus(CLOCK_SKEW),
                now.plus(ROOT_VALIDITY));
        return new Authority(key.getPrivate(), certificate);
    }

    /** Named after its key's identifier, so that the intermediates a root signed over the years have distinct names. */
    private static Authority newIssuer(Authority root, String siteName, Clock clock) {
        Instant now = clock.instant();
        Instant rootEnd = root.certificate().getNotAfter().toInstant();
        Instant end = now.plus(ISSUER_VALIDITY).isAfter(rootEnd) ? rootEnd : now.plus(ISSUER_VALIDITY);
        KeyPair key = Signer.newKeyPair();
        byte[] publicKey = key.getPublic().getEncoded();
        String id = HexFormat.of().formatHex(publicKey, publicKey.length - 4, publicKey.length);
        X509Certificate certificate = Signer.intermediate(root, Signer.name(siteName, "oth " + siteName + " issuing CA " + id),
                key.getPublic(), now.minus(CLOCK_SKEW), end);
        return new Authority(key.getPrivate(), certificate);
    }

    /** One key and its certificate, from a file only its owner may read. */
    private static Authority load(Path file) throws IOException {
        List<Object> parts = Pem.parse(PrivateFiles.read(file), file.toString());
        List<PrivateKey> keys = Pem.keys(parts);
        List<X509Certificate> certificates = Pem.certificates(parts);
        if (keys.size() != 1 || certificates.size() != 1) {
            throw new IOException(file + ": expected one private key and one certificate, found " + keys.size() + " and " + certificates.size());
        }
        if (!Signer.belongTogether(keys.get(0), certificates.get(0))) {
            throw new IOException(file + ": the private key does not belong to the certificate");
        }
        return new Authority(keys.get(0), certificates.get(0));
    }

    /**
     * The retired intermediates that are still valid. With {@code deleteExpired}, expired ones are
     * deleted, as nothing they issued is valid anymore.
     */
    private static List<X509Certificate> unexpired(Path dir, Authority root, Authority current, Clock clock, boolean deleteExpired) throws IOException {
        Path retiredDir = dir.resolve("retired");
        if (!Files.isDirectory(retiredDir)) {
            return List.of();
        }
        List<X509Certificate> kept = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(retiredDir)) {
            for (Path file : files) {
                if (!RETIRED_FILE.matcher(file.getFileName().toString()).matches()) {
                    continue;
                }
                List<X509Certificate> certificates = Pem.certificates(Pem.parse(Files.readString(file), file.toString()));
                if (certificates.size() != 1 || !Signer.issued(root.certificate(), certificates.get(0))) {
                    throw new IOException(file + ": expected one intermediate certificate issued by this site's root CA");
                }
                X509Certificate certificate = certificates.get(0);
                if (certificate.getNotAfter().toInstant().isBefore(clock.instant())) {
                    if (deleteExpired) {
                        Files.delete(file);
                    }
                } else if (!certificate.equals(current.certificate())) {
                    kept.add(certificate);
                }
            }
        }
        kept.sort(Comparator.comparing(X509Certificate::getNotAfter).reversed());
        return Collections.unmodifiableList(kept);
    }

    private static Path retiredFile(Path dir, X509Certificate certificate) {
        return dir.resolve("retired").resolve(certificate.getSerialNumber().toString(16) + ".crt");
    }

    private static Optional<String> commonName(X509Certificate cert) {
        var names = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return names.length == 0 ? Optional.empty() : Optional.of(IETFUtils.valueToString(names[0].getFirst().getValue()));
    }
}
