package io.oth.bundle;

import io.oth.bundle.BundleVerifier.Leak;
import io.oth.bundle.SecretForms.Form;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class BundleVerifierTest {
    /** A value whose forms all differ from each other. */
    private static final String VALUE = "pa ss\"w/rd?>~é\t";
    private static final String PASSWORD = "x9Fh3kLmQ2";
    private static final Map<String, String> SECRETS = Map.of("rabbitmq.app", VALUE, "mariadb.app", PASSWORD);

    @TempDir
    Path dir;

    static Stream<Form> forms() {
        return SecretForms.of(VALUE).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void everyFormIsFoundAndNamedAtItsLine(Form form) throws IOException {
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/var/log/app.log", "started\nuser=app\nvalue=" + form.text() + " end\ndone\n"));

        List<Leak> leaks = BundleVerifier.verify(bundle, SECRETS);

        assertEquals(List.of(new Leak("node-1/var/log/app.log", 3, "rabbitmq.app", form.name())), leaks);
        assertEquals("node-1/var/log/app.log:3: the secret rabbitmq.app (as " + form.name() + ")", leaks.get(0).toString());
        assertNoValueIn(leaks);
    }

    @Test
    void aPrivateKeyIsFoundByAnyOfItsLines() throws IOException {
        String key = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQgZ3\nq7BFUpkGp3+XQgZ3\n-----END PRIVATE KEY-----\n";
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/app.log", "a\n  q7BFUpkGp3+XQgZ3\n{\"k\":\"MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQgZ3q7BFUpkGp3+XQgZ3\"}\n"));

        assertEquals(List.of(new Leak("node-1/app.log", 2, "app.tls.key", "line 3"), new Leak("node-1/app.log", 3, "app.tls.key", "DER as base64")),
                BundleVerifier.verify(bundle, Map.of("app.tls.key", key)));
    }

    @ParameterizedTest(name = "split after {0} characters")
    @ValueSource(ints = {1, 2, 5, 9})
    void aFormAcrossTheBorderOfALongLinesPiecesIsFound(int split) throws IOException {
        byte[] line = new byte[2 * BundleVerifier.MAX_LINE + 100];
        Arrays.fill(line, (byte) 'a');
        byte[] secret = PASSWORD.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(secret, 0, line, BundleVerifier.MAX_LINE - split, secret.length);
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/huge.log", concat("first\n", line, "\nlast\n")));

        assertEquals(List.of(new Leak("node-1/huge.log", 2, "mariadb.app", "plain")), BundleVerifier.verify(bundle, SECRETS));
    }

    @Test
    void aFormFarIntoALongLineIsFoundOnce() throws IOException {
        byte[] line = new byte[3 * BundleVerifier.MAX_LINE];
        Arrays.fill(line, (byte) 'a');
        byte[] secret = PASSWORD.getBytes(StandardCharsets.US_ASCII);
        for (int at : new int[] {10, BundleVerifier.MAX_LINE - 20, 2 * BundleVerifier.MAX_LINE - 3, line.length - secret.length}) {
            System.arraycopy(secret, 0, line, at, secret.length);
        }
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/huge.log", line));

        assertEquals(List.of(new Leak("node-1/huge.log", 1, "mariadb.app", "plain")), BundleVerifier.verify(bundle, SECRETS));
    }

    @Test
    void aCleanBundlePasses() throws IOException {
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of(
                "node-1/etc/mysql/my.cnf", "[client]\nuser = app\npassword = <redacted:password:5b76db0f>\nssl_key = /etc/mysql/server.key\n",
                "node-1/etc/ssl/certs/site.pem", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
                "node-1/var/log/app.log", "the password was rotated\n<redacted:private-key:9268ed21>\n"));

        assertEquals(List.of(), BundleVerifier.verify(bundle, SECRETS));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"OPENSSH ", "", "RSA ", "EC ", "ENCRYPTED "})
    void anyPrivateKeyHeaderIsRefusedWhoseverKeyItIs(String type) throws IOException {
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/root/.ssh/id", "key:\n-----BEGIN " + type + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"));

        List<Leak> leaks = BundleVerifier.verify(bundle, SECRETS);

        assertEquals(List.of(new Leak("node-1/root/.ssh/id", 2, BundleVerifier.PEM_PRIVATE_KEY, "PEM header")), leaks);
        assertEquals("node-1/root/.ssh/id:2: a PEM private key (as PEM header)", leaks.get(0).toString());
    }

    @Test
    void aSecretInAnEntrysNameIsReportedWithoutTheName() throws IOException {
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/" + PASSWORD + ".log", "line\n" + PASSWORD + "\n"));

        List<Leak> leaks = BundleVerifier.verify(bundle, SECRETS);

        assertEquals(List.of(new Leak("entry 1 (its name)", 0, "mariadb.app", "plain"), new Leak("entry 1", 2, "mariadb.app", "plain")), leaks);
        assertEquals("entry 1 (its name): the secret mariadb.app (as plain)", leaks.get(0).toString());
        assertNoValueIn(leaks);
    }

    @Test
    void plainTextInTheCompressedBytesIsALeakToo() throws IOException {
        Path bundle = tarGz(Deflater.NO_COMPRESSION, Map.of("node-1/app.log", "password " + PASSWORD + "\n"));

        assertEquals(List.of(new Leak("node-1/app.log", 1, "mariadb.app", "plain"), new Leak("bundle.tar.gz (compressed)", 0, "mariadb.app", "plain")),
                BundleVerifier.verify(bundle, SECRETS));
    }

    @Test
    void aDirectoryIsCheckedWithoutFollowingLinks() throws IOException {
        Path staged = Files.createDirectories(dir.resolve("staged/node-1"));
        Files.writeString(staged.resolve("app.log"), "one\n" + PASSWORD + "\n");
        Path outside = Files.writeString(dir.resolve("outside.log"), PASSWORD);
        Files.createSymbolicLink(staged.resolve("link.log"), outside);

        assertEquals(List.of(new Leak("node-1/app.log", 2, "mariadb.app", "plain")), BundleVerifier.verifyDirectory(dir.resolve("staged"), SECRETS));
    }

    @Test
    void fiftySecretsOverTensOfMegabytesTakeSeconds() throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        IntStream.range(0, 50).forEach(i -> secrets.put("secret." + i, "Sec" + i + "abcdefghijklmnopqrstuvwxyz" + i));
        StringBuilder log = new StringBuilder();
        for (int i = 0; log.length() < 24 << 20; i++) {
            log.append("2026-01-01T00:00:00Z INFO request ").append(i).append(" GET /api/v1/visits user=app status=200 took=3ms\n");
        }
        log.append(secrets.get("secret.49")).append('\n');
        Path bundle = tarGz(Deflater.BEST_SPEED, Map.of("node-1/app.log", log.toString()));

        List<Leak> leaks = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> BundleVerifier.verify(bundle, secrets));

        assertEquals(1, leaks.size());
        assertEquals("secret.49", leaks.get(0).secretName());
    }

    private static void assertNoValueIn(List<Leak> leaks) {
        for (Leak leak : leaks) {
            for (String value : SECRETS.values()) {
                for (Form form : SecretForms.of(value)) {
                    assertFalse(leak.toString().contains(form.text()), leak.toString());
                }
            }
        }
    }

    private Path tarGz(int level, Map<String, ?> files) throws IOException {
        return Archives.tarGz(dir.resolve("bundle.tar.gz"), level, files);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        List<byte[]> parts = new ArrayList<>(List.of(before.getBytes(StandardCharsets.UTF_8), middle, after.getBytes(StandardCharsets.UTF_8)));
        byte[] all = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
