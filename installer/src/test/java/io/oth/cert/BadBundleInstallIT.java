package io.oth.cert;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import static io.oth.cert.TestPki.days;
import static io.oth.cert.TestPki.pem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad customer bundle stops {@code oth install} on the operator's side: a named error, no connection, nothing uploaded. */
@ExtendWith(LabExtension.class)
class BadBundleInstallIT {

    @TempDir
    Path tmp;

    static Stream<Arguments> badBundles() {
        Instant now = Instant.now();
        TestPki good = TestPki.builder().leafValidity(now.minus(days(30)), now.plus(days(365))).build();
        TestPki other = TestPki.builder().keySet("other").name("Other").leafValidity(now.minus(days(30)), now.plus(days(365))).build();
        TestPki expired = TestPki.builder().keySet("expired").leafValidity(now.minus(days(400)), now.minus(days(1))).build();
        TestPki wrongName = TestPki.builder().keySet("named").leafNames("www.example.org", "www.example.org")
                .leafValidity(now.minus(days(30)), now.plus(days(365))).build();
        return Stream.of(
                Arguments.of("certificate before key", pem(good.leaf, good.leafKey.getPrivate(), good.intermediate, good.root), "KEY_NOT_FIRST"),
                Arguments.of("key of another certificate", pem(other.leafKey.getPrivate(), good.leaf, good.intermediate, good.root), "KEY_MISMATCH"),
                Arguments.of("expired", expired.goodBundle(), "EXPIRED"),
                Arguments.of("wrong name", wrongName.goodBundle(), "NAME_MISMATCH"),
                Arguments.of("intermediate missing", pem(good.leafKey.getPrivate(), good.leaf, good.root), "INTERMEDIATE_MISSING"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBundles")
    void aBadBundleIsRefusedBeforeAnythingIsUploaded(String name, String bundle, String code, Lab lab) throws Exception {
        Path pemFile = tmp.resolve("bundle.pem");
        Files.writeString(pemFile, bundle);
        String text = lab.siteText().replaceFirst("bundle: \\S+", "bundle: " + pemFile);
        Path site = tmp.resolve("site.yml");
        Files.writeString(site, text);
        Run run = Run.oth("install", "--site", site.toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("ERROR " + code + ": " + pemFile + ": "), run::toString);
        assertTrue(run.err().contains("nothing was uploaded"), run::toString);
        assertEquals("", run.out(), "no phase ran, no node was contacted");
        assertTrue(run.err().lines().filter(l -> l.contains("ERROR ")).allMatch(l -> l.contains(code)),
                () -> "one distinct error for " + name + "\n" + run);
    }
}
