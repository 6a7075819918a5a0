package io.oth.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.ca.ServiceIdentity.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteCaTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Clock CLOCK = at(NOW);
    private static final ServiceIdentity MARIADB = new ServiceIdentity("mariadb", "storage-1",
            List.of("storage-1.internal", "db.oth.example.test"), List.of("10.0.1.20", "fd00::20"), Usage.SERVER);

    @TempDir
    Path home;

    private Path caDir() {
        return home.resolve("state/oth/site-a/ca");
    }

    private SiteCa open() throws CaException {
        return open(CLOCK);
    }

    private SiteCa open(Clock clock) throws CaException {
        return SiteCa.openOrCreate(caDir(), "site-a", clock);
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void theFirstOpenCreatesTheCaAndLaterOpensLoadTheSameOne() throws Exception {
        SiteCa created = open();
        SiteCa reopened = open();

        assertEquals(created.rootCertificate(), reopened.rootCertificate());
        assertEquals(created.issuerCertificate(), reopened.issuerCertificate());
        assertNotEquals(created.rootCertificate(), SiteCa.openOrCreate(home.resolve("other"), "site-a", CLOCK).rootCertificate());
        // What the reopened CA issues still chains to the root the first open made.
        validate(reopened.issue(MARIADB), created.rootCertificate(), NOW);
    }

    @Test
    void theRootAndIntermediateHaveTheSpecifiedShape() throws Exception {
        SiteCa ca = open();
        X509Certificate root = ca.rootCertificate();
        X509Certificate issuer = ca.issuerCertificate();

        assertEquals(1, root.getBasicConstraints());
        assertEquals(0, issuer.getBasicConstraints());
        assertEquals(NOW.plus(Duration.ofDays(3650)), root.getNotAfter().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(730)), issuer.getNotAfter().toInstant());
        assertEquals(root.getSubjectX500Principal(), issuer.getIssuerX500Principal());
        assertEquals("EC", root.getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", issuer.getSigAlgName());
        assertFalse(ca.issuerNeedsRotation());
    }

    @Test
    void anIssuedLeafValidatesAgainstTheRootThroughTheIntermediate() throws Exception {
        SiteCa ca = open();
        IssuedCertificate issued = ca.issue(MARIADB);

        assertEquals(List.of(ca.issuerCertificate(), ca.rootCertificate()), issued.chain());
        validate(issued, ca.rootCertificate(), NOW);
        X509Certificate strangerRoot = SiteCa.openOrCreate(home.resolve("stranger"), "site-a", CLOCK).rootCertificate();
        assertThrows(CertPathValidatorException.class, () -> validate(issued, strangerRoot, NOW));
    }

    @Test
    void aServerCertificateNamesTheServiceAndNodeAndCarriesEveryNameAndAddress() throws Exception {
        X509Certificate leaf = open().issue(MARIADB).certificate();

        assertTrue(leaf.getSubjectX500Principal().getName().startsWith("CN=mariadb.storage-1,"), leaf.getSubjectX500Principal().getName());
        List<String> sans = new ArrayList<>();
        leaf.getSubjectAlternativeNames().forEach(san -> sans.add(san.get(0) + ":" + san.get(1)));
        // 2 = dNSName, 7 = iPAddress; the JDK prints IPv6 in full.
        assertEquals(List.of("2:storage-1.internal", "2:db.oth.example.test", "7:10.0.1.20", "7:fd00:0:0:0:0:0:0:20"), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());
        assertEquals(-1, leaf.getBasicConstraints());
        assertTrue(leaf.getKeyUsage()[0], "digitalSignature");
    }

    @Test
    void theUsageDecidesTheExtendedKeyUsage() throws Exception {
        SiteCa ca = open();
        ServiceIdentity client = new ServiceIdentity("app", "app-1", List.of(), List.of(), Usage.CLIENT);
        ServiceIdentity both = new ServiceIdentity("rabbitmq", "storage-1", List.of("storage-1.internal"), List.of(), Usage.SERVER_AND_CLIENT);

        X509Certificate clientLeaf = ca.issue(client).certificate();
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), clientLeaf.getExtendedKeyUsage());
        assertNull(clientLeaf.getSubjectAlternativeNames());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), ca.issue(both).certificate().getExtendedKeyUsage());
    }

    @Test
    void aServerIdentityWithoutAnyNameOrAddressIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServiceIdentity("minio", "storage-1", List.of(), List.of(), Usage.SERVER));
        assertTrue(e.getMessage().contains("minio on storage-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ServiceIdentity("minio", "storage-1", List.of(), List.of("10.0.1.300"), Usage.SERVER));
        assertThrows(IllegalArgumentException.class, () -> new ServiceIdentity("minio", "storage-1", List.of("a b"), List.of(), Usage.SERVER));
    }

    @Test
    void certificatesAreValidForNinetyDaysByDefault() throws Exception {
        SiteCa ca = open();
        X509Certificate leaf = ca.issue(MARIADB).certificate();

        assertEquals(NOW.plus(Duration.ofDays(90)), leaf.getNotAfter().toInstant());
        assertEquals(NOW.minus(SiteCa.CLOCK_SKEW), leaf.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(7)), ca.issue(MARIADB, Duration.ofDays(7)).certificate().getNotAfter().toInstant());
    }

    @Test
    void aCertificateThatWouldOutliveTheIntermediateIsRefused() throws Exception {
        CaException e = assertThrows(CaException.class, () -> open().issue(MARIADB, Duration.ofDays(731)));
        assertTrue(e.getMessage().contains("mariadb.storage-1") && e.getMessage().contains("rotate the issuing CA"), e.getMessage());
    }

    @Test
    void renewalIsDueWithinTheWindowBeforeExpiry() throws Exception {
        X509Certificate leaf = open().issue(MARIADB).certificate();

        assertFalse(SiteCa.needsRenewal(leaf, at(NOW.plus(Duration.ofDays(59)))));
        assertTrue(SiteCa.needsRenewal(leaf, at(NOW.plus(Duration.ofDays(60)))));
        assertTrue(SiteCa.needsRenewal(leaf, at(NOW.plus(Duration.ofDays(120)))), "expired");
        assertFalse(SiteCa.needsRenewal(leaf, Duration.ofDays(7), at(NOW.plus(Duration.ofDays(82)))));
        assertTrue(SiteCa.needsRenewal(leaf, Duration.ofDays(7), at(NOW.plus(Duration.ofDays(83)))));
    }

    @Test
    void everyCertificateHasItsOwnKeyAndARandomSerial() throws Exception {
        SiteCa ca = open();
        IssuedCertificate first = ca.issue(MARIADB);
        IssuedCertificate second = ca.issue(MARIADB);

        assertNotEquals(first.certificate().getPublicKey(), second.certificate().getPublicKey());
        assertNotEquals(first.keyPem(), second.keyPem());
        assertNotEquals(first.certificate().getSerialNumber(), second.certificate().getSerialNumber());
        for (IssuedCertificate issued : List.of(first, second)) {
            assertEquals(1, issued.certificate().getSerialNumber().signum());
            assertTrue(issued.certificate().getSerialNumber().bitLength() <= 128);
        }
    }

    @Test
    void thePemRenderersGiveEachServiceItsFileLayout() throws Exception {
        SiteCa ca = open();
        IssuedCertificate issued = ca.issue(MARIADB);

        assertEquals(List.of(issued.certificate()), certificates(issued.certPem()));
        assertEquals(List.of(issued.certificate(), ca.issuerCertificate()), certificates(issued.fullChainPem()), "MariaDB ssl_cert");
        assertEquals(List.of(ca.rootCertificate()), certificates(issued.rootPem()), "MariaDB ssl_ca");
        assertEquals(List.of(ca.issuerCertificate(), ca.rootCertificate()), certificates(issued.chainPem()), "RabbitMQ cacertfile");
        assertEquals(issued.rootPem(), ca.rootPem());
        List<Object> key = Pem.parse(issued.keyPem(), "key");
        assertTrue(issued.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        assertTrue(Signer.belongTogether(Pem.keys(key).get(0), issued.certificate()));
    }

    @Test
    void keyFilesAreOwnerOnlyAndAKeyOthersCanReadIsRefused() throws Exception {
        open();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir())));
        for (String name : List.of("root.pem", "issuer.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir().resolve(name))), name);
        }

        Path issuerFile = caDir().resolve("issuer.pem");
        Files.setPosixFilePermissions(issuerFile, PosixFilePermissions.fromString("rw-r--r--"));
        CaException e = assertThrows(CaException.class, this::open);
        assertTrue(e.getMessage().contains(issuerFile.toString()) && e.getMessage().contains("0644"), e.getMessage());
    }

    @Test
    void noTextEverShowsAPrivateKey() throws Exception {
        SiteCa ca = open();
        IssuedCertificate issued = ca.issue(MARIADB);
        List<String> keys = new ArrayList<>(List.of(base64(issued.keyPem())));
        for (String name : List.of("root.pem", "issuer.pem")) {
            keys.add(base64(Files.readString(caDir().resolve(name))));
        }

        Files.writeString(caDir().resolve("issuer.pem"), Files.readString(caDir().resolve("issuer.pem")).replace("PRIVATE KEY-----\nM", "PRIVATE KEY-----\n!"));
        String damaged = assertThrows(CaException.class, this::open).getMessage();
        Files.setPosixFilePermissions(caDir().resolve("root.pem"), PosixFilePermissions.fromString("rw-r-----"));
        String shared = assertThrows(CaException.class, this::open).getMessage();

        List<String> texts = List.of(ca.toString(), issued.toString(), ca.status(issued.fullChainPem()).toString(), damaged, shared);
        for (String text : texts) {
            for (String key : keys) {
                // Past the algorithm header, which every P-256 key shares: the private scalar.
                assertFalse(text.contains(key.substring(48, 80)), text);
            }
        }
        assertTrue(damaged.contains("issuer.pem") && damaged.contains("damaged PEM"), damaged);
    }

    @Test
    void statusReportsWhoTheCertificateIsForAndWhetherThisCaIssuedIt() throws Exception {
        SiteCa ca = open();
        String onNode = ca.issue(MARIADB).fullChainPem();
        SiteCa later = open(at(NOW.plus(Duration.ofDays(80)).plusSeconds(3600)));

        CertificateStatus status = later.status(onNode);
        assertEquals("mariadb", status.service());
        assertEquals("storage-1", status.node());
        assertEquals(NOW.plus(Duration.ofDays(90)), status.notAfter());
        assertEquals(9, status.daysLeft());
        assertTrue(status.issuedByThisCa());
        assertFalse(status.expired());

        SiteCa stranger = SiteCa.openOrCreate(home.resolve("stranger"), "site-a", CLOCK);
        assertFalse(stranger.status(onNode).issuedByThisCa());
        assertTrue(open(at(NOW.plus(Duration.ofDays(91)))).status(onNode).expired());
        assertThrows(CaException.class, () -> ca.status("not a certificate"));
    }

    @Test
    void rotatingTheIssuerKeepsTheRootAndTheOldCertificatesValid() throws Exception {
        SiteCa ca = open();
        IssuedCertificate before = ca.issue(MARIADB);
        X509Certificate oldIssuer = ca.issuerCertificate();

        X509Certificate newIssuer = ca.rotateIssuer();
        IssuedCertificate after = ca.issue(MARIADB);

        assertNotEquals(oldIssuer, newIssuer);
        assertNotEquals(oldIssuer.getSubjectX500Principal(), newIssuer.getSubjectX500Principal());
        assertEquals(newIssuer, after.chain().get(0));
        validate(after, ca.rootCertificate(), NOW);
        validate(before, ca.rootCertificate(), NOW);

        SiteCa reopened = open();
        assertEquals(newIssuer, reopened.issuerCertificate());
        assertEquals(List.of(oldIssuer), reopened.retiredIssuers());
        assertTrue(reopened.status(before.certPem()).issuedByThisCa(), "issued by the retired intermediate");
        assertTrue(reopened.status(after.certPem()).issuedByThisCa());
        assertFalse(Files.readString(caDir().resolve("retired").resolve(oldIssuer.getSerialNumber().toString(16) + ".crt")).contains("PRIVATE KEY"),
                "the retired intermediate's key is gone");

        SiteCa afterOldExpiry = open(at(oldIssuer.getNotAfter().toInstant().plusSeconds(1)));
        assertEquals(List.of(), afterOldExpiry.retiredIssuers());
        try (var files = Files.list(caDir().resolve("retired"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void readingAnExistingCaChangesNothing() throws Exception {
        assertTrue(SiteCa.existing(caDir(), "site-a", CLOCK).isEmpty());
        assertFalse(Files.exists(caDir()), "reading made the CA directory");

        SiteCa ca = open();
        X509Certificate oldIssuer = ca.issuerCertificate();
        ca.rotateIssuer();
        Files.deleteIfExists(caDir().resolve(".lock"));
        Clock afterOldExpiry = at(oldIssuer.getNotAfter().toInstant().plusSeconds(1));
        SiteCa read = SiteCa.existing(caDir(), "site-a", afterOldExpiry).orElseThrow();
        assertEquals(ca.rootCertificate(), read.rootCertificate());
        assertEquals(ca.issuerCertificate(), read.issuerCertificate());
        assertEquals(List.of(), read.retiredIssuers());
        try (var files = Files.list(caDir().resolve("retired"))) {
            assertEquals(1, files.count(), "the expired intermediate is left for an install to remove");
        }
        assertFalse(Files.exists(caDir().resolve(".lock")), "reading took the CA's lock");

        Files.delete(caDir().resolve("issuer.pem"));
        CaException missing = assertThrows(CaException.class, () -> SiteCa.existing(caDir(), "site-a", CLOCK));
        assertTrue(missing.getMessage().contains("issuer.pem is missing"), missing.getMessage());
        assertFalse(Files.exists(caDir().resolve("issuer.pem")), "reading made an intermediate");
    }

    @Test
    void theIssuerIsDueForRotationHalfAYearBeforeItExpires() throws Exception {
        X509Certificate issuer = open().issuerCertificate();
        Instant end = issuer.getNotAfter().toInstant();

        assertFalse(open(at(end.minus(Duration.ofDays(181)))).issuerNeedsRotation());
        assertTrue(open(at(end.minus(Duration.ofDays(180)))).issuerNeedsRotation());
    }

    private static String base64(String pem) {
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        String encoded = body.replaceAll("\\s", "");
        Base64.getDecoder().decode(encoded);
        return encoded;
    }

    private static List<X509Certificate> certificates(String pem) throws IOException {
        return Pem.certificates(Pem.parse(pem, "test"));
    }

    /** The JDK's own PKIX validator, as a Java client would run it: leaf + intermediate, anchored at the root. */
    private static void validate(IssuedCertificate issued, X509Certificate root, Instant at) throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(issued.certificate(), issued.chain().get(0)));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    @Test
    void anUnsavedCaWritesNothingAndReadsTheSavedOne() throws Exception {
        SiteCa planned = SiteCa.unsaved(caDir(), "site-a", CLOCK);
        planned.issue(MARIADB);
        assertFalse(Files.exists(home.resolve("state")), "a plan writes nothing, not even the directory");
        assertThrows(IllegalStateException.class, planned::rotateIssuer);

        SiteCa saved = open();
        SiteCa read = SiteCa.unsaved(caDir(), "site-a", CLOCK);
        assertEquals(saved.rootCertificate(), read.rootCertificate());
        assertEquals(saved.issuerCertificate(), read.issuerCertificate());
    }
}
