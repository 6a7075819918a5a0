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
import static io.oth.cert.TestPki.CLOCK;
import static io.oth.cert.TestPki.FQDN;
import static io.oth.cert.TestPki.NOW;
import static io.oth.cert.TestPki.days;
import static io.oth.cert.TestPki.pem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.cert.TestPki.KeyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BundleCheckTest {
    private static final TestPki PKI = TestPki.standard();
    private static final TestPki OTHER = TestPki.builder().name("Other").keySet("other").build();
    private static final String LEAF = "block 2 (certificate CN=" + FQDN + ")";

    @Test
    void theBundleTheSpecificationAsksForHasNoFindingsAndYieldsItsParts() {
        BundleReport report = check(PKI.goodBundle());

        assertCodes(report);
        CertificateBundle bundle = report.bundle();
        assertEquals(PKI.leafKey.getPrivate().getAlgorithm(), bundle.key().orElseThrow().getAlgorithm());
        assertEquals(PKI.leaf, bundle.leaf().orElseThrow());
        assertEquals(List.of(PKI.intermediate), bundle.intermediates());
        assertEquals(PKI.root, bundle.root().orElseThrow());
        assertEquals(List.of(PKI.leaf, PKI.intermediate, PKI.root), bundle.chain());
        assertFalse(report.hasErrors());
    }

    @Test
    void anEcBundleInOpenSslsTraditionalFormIsGood() {
        TestPki ec = TestPki.builder().keySet("ec").caKey(KeyType.EC_P256).leafKey(KeyType.EC_P256).build();

        assertCodes(check(pem(TestPki.traditional(ec.leafKey), ec.leaf, ec.intermediate, ec.root)));
    }

    static Stream<Arguments> keyForms() {
        TestPki ec = TestPki.builder().keySet("ec").caKey(KeyType.EC_P256).leafKey(KeyType.EC_P256).build();
        TestPki ecLeaf = TestPki.builder().leafKey(KeyType.EC_P256).build();
        return Stream.of(
                Arguments.of("RSA PKCS#8", "PRIVATE KEY", PKI, pem(PKI.leafKey.getPrivate())),
                Arguments.of("RSA PKCS#1", "RSA PRIVATE KEY", PKI, TestPki.traditional(PKI.leafKey)),
                Arguments.of("EC PKCS#8", "PRIVATE KEY", ec, pem(ec.leafKey.getPrivate())),
                Arguments.of("EC SEC1", "EC PRIVATE KEY", ec, TestPki.traditional(ec.leafKey)),
                Arguments.of("EC leaf under RSA CAs", "PRIVATE KEY", ecLeaf, pem(ecLeaf.leafKey.getPrivate())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyForms")
    void everyUsualKeyFormMatchesItsCertificate(String form, String label, TestPki pki, String key) {
        assertTrue(key.startsWith("-----BEGIN " + label + "-----"), key.lines().findFirst().orElse(""));
        assertCodes(check(pem(key, pki.leaf, pki.intermediate, pki.root)));
    }

    @Test
    void ecParametersBeforeAnEcKeyAsOpensslEcparamWritesThemAreAccepted() throws IOException {
        TestPki ec = TestPki.builder().keySet("ec").caKey(KeyType.EC_P256).leafKey(KeyType.EC_P256).build();
        String parameters = "-----BEGIN EC PARAMETERS-----\n"
                + Base64.getEncoder().encodeToString(new ASN1ObjectIdentifier("1.2.840.10045.3.1.7").getEncoded())
                + "\n-----END EC PARAMETERS-----\n";

        assertCodes(check(pem(parameters, TestPki.traditional(ec.leafKey), ec.leaf, ec.intermediate, ec.root)));
    }

    @Test
    void windowsLineEndingsIndentationAndTextBetweenBlocksDoNotMatter() {
        String indented = PKI.goodBundle().lines().map(line -> "  " + line).collect(Collectors.joining("\r\n"));
        String messy = "Bag Attributes\r\n    friendlyName: oth\r\n" + indented + "\r\n";

        assertCodes(check(messy));
    }

    @Test
    void aCertificateBeforeTheKeyIsReported() {
        BundleReport report = check(pem(PKI.leaf, PKI.leafKey.getPrivate(), PKI.intermediate, PKI.root));

        assertCodes(report, KEY_NOT_FIRST);
        assertMessage(report, KEY_NOT_FIRST, "bundle.pem: block 1 (certificate CN=oth.example.test)", "certificate before key",
                "block 2 (private key)", "must be the first block");
        assertEquals(1, report.findings().get(0).block());
    }

    @Test
    void aKeyFromAnotherPkiDoesNotMatch() {
        BundleReport report = check(pem(OTHER.leafKey.getPrivate(), PKI.leaf, PKI.intermediate, PKI.root));

        assertCodes(report, KEY_MISMATCH);
        assertMessage(report, KEY_MISMATCH, "block 1 (private key)", "key does not match certificate", LEAF);
        assertTrue(report.bundle().leaf().isPresent(), "the leaf is still chosen: the first non-CA certificate");
    }

    @Test
    void anEcKeyOfAnotherPkiDoesNotMatchAnEcCertificate() {
        TestPki ec = TestPki.builder().keySet("ec").caKey(KeyType.EC_P256).leafKey(KeyType.EC_P256).build();
        KeyPair otherEcKey = TestPki.key("other-ec", "leaf", KeyType.EC_P256);

        assertCodes(check(pem(TestPki.traditional(otherEcKey), ec.leaf, ec.intermediate, ec.root)), KEY_MISMATCH);
    }

    @Test
    void aRootBeforeItsIntermediateIsCaughtAlthoughCurlAndOpensslAcceptIt() {
        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.leaf, PKI.root, PKI.intermediate));

        assertCodes(report, WRONG_ORDER);
        assertMessage(report, WRONG_ORDER, "block 3 (certificate CN=Test Root CA)", "out of place",
                "after " + LEAF + " must come block 4 (certificate CN=Test Intermediate CA)", "in this order: 1, 2, 4, 3");
        assertEquals(List.of(PKI.leaf, PKI.intermediate, PKI.root), report.bundle().chain(), "the parts are in issuer order");
    }

    @Test
    void aReversedChainIsOneWrongOrderFinding() {
        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.root, PKI.intermediate, PKI.leaf));

        assertCodes(report, WRONG_ORDER);
        assertMessage(report, WRONG_ORDER, "block 2 (certificate CN=Test Root CA)", "the first certificate must be the server certificate, block 4",
                "in this order: 1, 4, 3, 2");
    }

    @Test
    void aMissingIntermediateIsReportedWithTheIssuerToAdd() {
        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.leaf, PKI.root));

        assertCodes(report, INTERMEDIATE_MISSING);
        assertMessage(report, INTERMEDIATE_MISSING, LEAF, "intermediate missing", "CN=Test Intermediate CA", "right after it");
    }

    @Test
    void aMissingRootIsAnErrorBecauseTheSpecificationAsksForIt() {
        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.leaf, PKI.intermediate));

        assertCodes(report, ROOT_MISSING);
        assertMessage(report, ROOT_MISSING, "root missing", "ends at block 3 (certificate CN=Test Intermediate CA)", "CN=Test Root CA",
                "last block");
        assertEquals(Severity.ERROR, report.findings().get(0).severity());
        assertTrue(report.bundle().root().isEmpty());
        assertEquals(List.of(PKI.intermediate), report.bundle().intermediates());
    }

    @Test
    void aLeafAloneMissesBothIntermediateAndRoot() {
        assertCodes(check(pem(PKI.leafKey.getPrivate(), PKI.leaf)), INTERMEDIATE_MISSING, ROOT_MISSING);
    }

    @Test
    void aLeafIssuedDirectlyByTheRootNeedsNoIntermediate() {
        assertCodes(check(pem(PKI.leafKey.getPrivate(), PKI.leafIssuedByRoot(), PKI.root)));
    }

    @Test
    void aSelfSignedServerCertificateIsReportedAlone() {
        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.selfSignedLeaf()));

        assertCodes(report, SELF_SIGNED);
        assertMessage(report, SELF_SIGNED, LEAF, "self-signed");
    }

    @Test
    void anExpiredLeafIsAnError() {
        TestPki pki = TestPki.builder().leafValidity(NOW.minus(days(400)), NOW.minus(days(5))).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, EXPIRED);
        assertMessage(report, EXPIRED, LEAF, "expired on 2025-05-27 12:00 UTC", "5 days ago");
    }

    @Test
    void anExpiredIntermediateIsNamed() {
        TestPki pki = TestPki.builder().intermediateValidity(NOW.minus(days(1000)), NOW.minus(days(2))).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, EXPIRED);
        assertMessage(report, EXPIRED, "block 3 (certificate CN=Test Intermediate CA)", "expired on", "2 days ago");
    }

    @Test
    void aCertificateExpiringInTenDaysIsOnlyAWarning() {
        TestPki pki = TestPki.builder().leafValidity(NOW.minus(days(80)), NOW.plus(days(10))).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, EXPIRES_SOON);
        assertMessage(report, EXPIRES_SOON, LEAF, "in 10 days", "2025-06-11");
        assertEquals(Severity.WARNING, report.findings().get(0).severity());
        assertFalse(report.hasErrors());
        assertEquals(1, report.warnings().size());
    }

    @Test
    void aCertificateNotYetValidIsAnError() {
        TestPki pki = TestPki.builder().leafValidity(NOW.plus(days(3)), NOW.plus(days(400))).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, NOT_YET_VALID);
        assertMessage(report, NOT_YET_VALID, LEAF, "not valid before 2025-06-04", "in 3 days");
    }

    @Test
    void aCertificateForAnotherNameIsReportedWithItsNames() {
        BundleReport report = BundleCheck.check(bytes(PKI.goodBundle()), "bundle.pem", "portal.example.test", CLOCK);

        assertCodes(report, NAME_MISMATCH);
        assertMessage(report, NAME_MISMATCH, LEAF, "not valid for portal.example.test", "are oth.example.test");
    }

    @Test
    void theCommonNameIsIgnoredWhenThereAreSubjectAltNames() {
        TestPki pki = TestPki.builder().leafNames(FQDN, "www.example.test").build();

        assertCodes(check(pki.goodBundle()), NAME_MISMATCH);
    }

    static Stream<Arguments> wildcards() {
        return Stream.of(
                Arguments.of("oth.example.test", true),
                Arguments.of("OTH.Example.Test.", true),
                Arguments.of("a.b.example.test", false),
                Arguments.of("example.test", false));
    }

    @ParameterizedTest(name = "*.example.test covers {0}: {1}")
    @MethodSource("wildcards")
    void aWildcardCoversExactlyOneLabel(String fqdn, boolean covered) {
        TestPki pki = TestPki.builder().leafNames("*.example.test", "*.example.test").build();

        BundleReport report = BundleCheck.check(bytes(pki.goodBundle()), "bundle.pem", fqdn, CLOCK);

        assertEquals(covered ? List.of() : List.of(NAME_MISMATCH), report.codes(), report.toString());
        if (!covered) {
            assertMessage(report, NAME_MISMATCH, "are *.example.test", "a wildcard covers exactly one label");
        }
    }

    @Test
    void aWildcardOnATopLevelDomainCoversNothing() {
        assertFalse(ServerNames.covers("*.test", "example.test"));
        assertFalse(ServerNames.covers("oth*.example.test", "oth1.example.test"));
    }

    @Test
    void aCommonNameOnlyCertificateMatchesByCnButIsRejectedForLackingSan() {
        TestPki pki = TestPki.builder().leafNames(FQDN).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, NO_SAN);
        assertMessage(report, NO_SAN, LEAF, "only in its common name", "subjectAltName");
    }

    @Test
    void aCommonNameOnlyCertificateForAnotherNameIsOneNameMismatch() {
        TestPki pki = TestPki.builder().leafNames("old.example.test").build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, NAME_MISMATCH);
        assertMessage(report, NAME_MISMATCH, "block 2 (certificate CN=old.example.test)", "no subjectAltName", "common name is old.example.test");
    }

    static Stream<Arguments> encryptedKeys() {
        return Stream.of(
                Arguments.of("PKCS#8", TestPki.encryptedPkcs8(PKI.leafKey.getPrivate())),
                Arguments.of("PKCS#1 with Proc-Type", TestPki.encryptedTraditional(PKI.leafKey.getPrivate())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryptedKeys")
    void aPassphraseProtectedKeyIsReportedWithoutAMismatch(String form, String key) {
        BundleReport report = check(pem(key, PKI.leaf, PKI.intermediate, PKI.root));

        assertCodes(report, ENCRYPTED_KEY);
        assertMessage(report, ENCRYPTED_KEY, "block 1 (private key)", "passphrase", "openssl pkey");
        assertTrue(report.bundle().key().isEmpty());
    }

    @Test
    void aGarbageBlockAtTheEndIsUnreadable() {
        String garbage = "-----BEGIN CERTIFICATE-----\nthis is not base64 at all!\n-----END CERTIFICATE-----\n";

        BundleReport report = check(PKI.goodBundle() + garbage);

        assertCodes(report, UNREADABLE_BLOCK);
        assertMessage(report, UNREADABLE_BLOCK, "block 5 (certificate)", "cannot be decoded");
    }

    @Test
    void aDamagedIntermediateDoesNotAlsoCountAsMissing() {
        String intermediate = pem(PKI.intermediate);
        String damaged = intermediate.substring(0, 200) + intermediate.substring(400);

        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.leaf, damaged, PKI.root));

        assertCodes(report, UNREADABLE_BLOCK);
        assertMessage(report, UNREADABLE_BLOCK, "block 3 (certificate)");
    }

    @Test
    void aDamagedKeyIsUnreadableWithoutEchoingIt() {
        String key = pem(PKI.leafKey.getPrivate());
        String damaged = key.substring(0, 300) + key.substring(600);

        BundleReport report = check(pem(damaged, PKI.leaf, PKI.intermediate, PKI.root));

        assertCodes(report, UNREADABLE_BLOCK);
        assertMessage(report, UNREADABLE_BLOCK, "block 1 (private key)", "cannot be decoded");
    }

    @Test
    void aBlockWithoutEndLineIsUnreadable() {
        String bundle = PKI.goodBundle();
        String truncated = bundle.substring(0, bundle.lastIndexOf("-----END CERTIFICATE-----"));

        BundleReport report = check(truncated);

        assertCodes(report, UNREADABLE_BLOCK);
        assertMessage(report, UNREADABLE_BLOCK, "block 4 (certificate)", "no \"-----END CERTIFICATE-----\" line");
    }

    @Test
    void anEmptyFileIsNotPem() {
        BundleReport report = check("");

        assertCodes(report, NOT_PEM);
        assertMessage(report, NOT_PEM, "bundle.pem: the file is empty");
    }

    @Test
    void aBinaryFileIsNotPemAndTheMessageSaysHowToConvert() throws Exception {
        BundleReport report = BundleCheck.check(PKI.leaf.getEncoded(), "bundle.der", FQDN, CLOCK);

        assertCodes(report, NOT_PEM);
        assertMessage(report, NOT_PEM, "bundle.der", "binary", "convert it to PEM");
    }

    @Test
    void plainTextIsNotPem() {
        assertCodes(check("Please find our certificate attached.\n"), NOT_PEM);
    }

    @Test
    void aMissingFileIsReported(@TempDir Path dir) {
        Path file = dir.resolve("bundle.pem");

        BundleReport report = BundleCheck.check(file, FQDN, CLOCK);

        assertCodes(report, FILE_UNREADABLE);
        assertMessage(report, FILE_UNREADABLE, file.toString(), "does not exist");
    }

    @Test
    void aDirectoryOrAHugeFileIsNotABundle(@TempDir Path dir) throws IOException {
        Path huge = Files.write(dir.resolve("huge.pem"), new byte[(int) BundleCheck.MAX_FILE_BYTES + 1]);

        assertMessage(BundleCheck.check(dir, FQDN, CLOCK), FILE_UNREADABLE, "is a directory");
        assertMessage(BundleCheck.check(huge, FQDN, CLOCK), FILE_UNREADABLE, "too large");
    }

    @Test
    void aFifoOrALinkToDevZeroIsNotOpened(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo.pem");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        Path zero = Files.createSymbolicLink(dir.resolve("zero.pem"), Path.of("/dev/zero"));

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            assertMessage(BundleCheck.check(fifo, FQDN, CLOCK), FILE_UNREADABLE, "is not a regular file");
            assertMessage(BundleCheck.check(zero, FQDN, CLOCK), FILE_UNREADABLE, "is not a regular file");
        });
    }

    @Test
    void aGoodFileOnDiskIsReadAndChecked(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("bundle.pem"), PKI.goodBundle());

        BundleReport report = BundleCheck.check(file, FQDN, CLOCK);

        assertCodes(report);
        assertEquals(file.toString(), report.file());
    }

    @Test
    void anRsa1024LeafIsWeak() {
        TestPki pki = TestPki.builder().keySet("weak").leafKey(KeyType.RSA_1024).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, WEAK_KEY);
        assertMessage(report, WEAK_KEY, LEAF, "1024 bits", "at least 2048");
    }

    @Test
    void anEd25519KeyIsNotSupported() {
        TestPki pki = TestPki.builder().keySet("ed").leafKey(KeyType.ED25519).build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, UNSUPPORTED_KEY);
        assertMessage(report, UNSUPPORTED_KEY, "block 1 (private key)", "Ed25519", "RSA");
    }

    @Test
    void aKeyIsReadByTheJdkAndOneItCannotReadByBouncyCastle() throws Exception {
        // A P-256 key by name: the JDK reads it, and no Bouncy Castle provider is needed.
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("EC");
        jdk.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair namedPair = jdk.generateKeyPair();
        PrivateKey named = namedPair.getPrivate();
        PrivateKey read = BundleCheck.privateKey(PrivateKeyInfo.getInstance(named.getEncoded()));
        assertTrue(read.getClass().getName().startsWith("sun.security."), read.getClass().getName());
        assertEquals(((ECPrivateKey) named).getS(), ((ECPrivateKey) read).getS());

        // The same curve spelt out (explicit parameters, as some old tools write keys): the JDK
        // refuses it, Bouncy Castle reads it.
        ECParameterSpec spec = ((ECPrivateKey) named).getParams();
        KeyPairGenerator bc = KeyPairGenerator.getInstance("EC", BouncyCastle.provider());
        bc.initialize(new ECParameterSpec(spec.getCurve(), spec.getGenerator(), spec.getOrder(), spec.getCofactor()));
        KeyPair explicitPair = bc.generateKeyPair();
        PrivateKey explicit = explicitPair.getPrivate();
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(explicit.getEncoded());
        assertThrows(Exception.class, () -> new JcaPEMKeyConverter().getPrivateKey(info), "the JDK cannot read it");
        PrivateKey fallback = BundleCheck.privateKey(info);
        assertEquals(((ECPrivateKey) explicit).getS(), ((ECPrivateKey) fallback).getS());

        // Whether a key belongs to a public key: the JDK's ECDSA for what it takes, Bouncy
        // Castle's arithmetic for the rest; another key of the same curve never matches.
        assertTrue(KeyMatch.matches(read, namedPair.getPublic()));
        assertFalse(KeyMatch.matches(read, jdk.generateKeyPair().getPublic()));
        assertTrue(KeyMatch.matches(fallback, explicitPair.getPublic()));
        assertFalse(KeyMatch.matches(fallback, bc.generateKeyPair().getPublic()));
    }

    @Test
    void certificatesOnlyMissTheKey() {
        BundleReport report = check(pem(PKI.leaf, PKI.intermediate, PKI.root));

        assertCodes(report, NO_KEY);
        assertMessage(report, NO_KEY, "bundle.pem: private key missing");
    }

    @Test
    void aKeyAloneMissesTheCertificates() {
        assertCodes(check(pem(PKI.leafKey.getPrivate())), NO_CERTIFICATE);
    }

    @Test
    void aSecondKeyIsReported() {
        BundleReport report = check(PKI.goodBundle() + pem(OTHER.leafKey.getPrivate()));

        assertCodes(report, MULTIPLE_KEYS);
        assertMessage(report, MULTIPLE_KEYS, "blocks 1 and 5 are private keys", "exactly one");
    }

    @Test
    void aCertificateRequestIsAnExtraBlockWarning() {
        String csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBADCBqAIBADA=\n-----END CERTIFICATE REQUEST-----\n";

        BundleReport report = check(PKI.goodBundle() + csr);

        assertCodes(report, EXTRA_BLOCKS);
        assertMessage(report, EXTRA_BLOCKS, "block 5 (certificate request)", "remove it");
        assertFalse(report.hasErrors());
    }

    @Test
    void aSecondUnrelatedChainIsExtra() {
        BundleReport report = check(PKI.goodBundle() + pem(OTHER.leaf, OTHER.intermediate, OTHER.root));

        assertCodes(report, EXTRA_BLOCKS, EXTRA_BLOCKS, EXTRA_BLOCKS);
        assertMessage(report, EXTRA_BLOCKS, "block 5 (certificate CN=" + FQDN + ")", "not part of the chain");
    }

    @Test
    void anIntermediateWithTheRightNameButAnotherKeyBreaksTheSignature() {
        TestPki sameNamesOtherKeys = TestPki.builder().keySet("impostor").build();

        BundleReport report = check(pem(PKI.leafKey.getPrivate(), PKI.leaf, sameNamesOtherKeys.intermediate, sameNamesOtherKeys.root));

        assertCodes(report, CHAIN_INVALID);
        assertMessage(report, CHAIN_INVALID, LEAF, "signature does not verify", "block 3 (certificate CN=Test Intermediate CA)");
    }

    @Test
    void anIntermediateThatIsNotMarkedAsCaBreaksTheChain() {
        TestPki pki = TestPki.builder().intermediateWithoutCaFlag().build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, CHAIN_INVALID);
        assertMessage(report, CHAIN_INVALID, "block 3 (certificate CN=Test Intermediate CA)", "basicConstraints CA=true");
    }

    @Test
    void pkixValidationCatchesWhatTheOwnChecksDoNot() {
        TestPki pki = TestPki.builder().leafWithUnknownCriticalExtension().build();

        BundleReport report = check(pki.goodBundle());

        assertCodes(report, CHAIN_INVALID);
        assertMessage(report, CHAIN_INVALID, LEAF, "the chain does not validate", "critical");
    }

    @Test
    void independentProblemsAreAllReportedAtOnce() {
        TestPki pki = TestPki.builder().leafValidity(NOW.minus(days(400)), NOW.minus(days(1))).build();

        BundleReport report = BundleCheck.check(bytes(pem(pki.leaf, pki.leafKey.getPrivate(), pki.root, pki.intermediate)),
                "bundle.pem", "portal.example.test", CLOCK);

        assertCodes(report, KEY_NOT_FIRST, WRONG_ORDER, EXPIRED, NAME_MISMATCH);
        assertTrue(report.toString().startsWith("bundle.pem: 4 error(s), 0 warning(s)"), report.toString());
    }

    @Test
    void noMessageNorToStringShowsThePrivateKey() {
        List<String> keyPems = List.of(pem(PKI.leafKey.getPrivate()), TestPki.traditional(PKI.leafKey));
        for (String keyPem : keyPems) {
            List<String> secretLines = keyPem.lines().filter(l -> !l.startsWith("-----")).toList();
            for (BundleReport report : List.of(
                    check(pem(keyPem, PKI.leaf, PKI.intermediate, PKI.root)),
                    check(pem(PKI.leaf, keyPem, PKI.root)),
                    check(pem(keyPem, OTHER.leaf, OTHER.intermediate, OTHER.root)),
                    check(pem(keyPem, keyPem)),
                    check(pem(keyPem.substring(0, 300) + keyPem.substring(600), PKI.leaf)))) {
                String shown = report + "\n" + report.bundle() + "\n" + report.findings();
                for (String line : secretLines) {
                    assertFalse(shown.contains(line), "key material in: " + shown);
                }
                String encoded = report.bundle().key().map(k -> Base64.getEncoder().encodeToString(k.getEncoded())).orElse("x".repeat(64));
                assertFalse(shown.contains(encoded.substring(0, 64)), shown);
            }
        }
    }

    private static BundleReport check(String pem) {
        return BundleCheck.check(bytes(pem), "bundle.pem", FQDN, CLOCK);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Exactly these codes, in any order. */
    private static void assertCodes(BundleReport report, FindingCode... expected) {
        FindingCode[] sorted = expected.clone();
        Arrays.sort(sorted);
        assertEquals(List.of(sorted), report.codes().stream().sorted().toList(), report.toString());
    }

    private static void assertMessage(BundleReport report, FindingCode code, String... phrases) {
        Finding finding = report.findings().stream().filter(f -> f.code() == code).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + report));
        for (String phrase : phrases) {
            assertTrue(finding.message().contains(phrase), "'" + phrase + "' not in: " + finding.message());
        }
    }
}
