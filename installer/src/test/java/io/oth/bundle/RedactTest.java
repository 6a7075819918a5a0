package io.oth.bundle;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * redact.pl as a node runs it, with nothing but perl-base on its module path, over a bundle of
 * traps: each file below as collected, and as it must be after redaction, where {@code {token:NAME}}
 * is the token Java's HmacSHA256 gives the secret NAME under the bundle key. Then the operator's
 * side, {@link BundleVerifier}, must find none of the secrets in any form in the packed bundle.
 */
class RedactTest {
    private static final String KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String OTHER_KEY = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    /** The size cap the test gives the script (OTH_REDACT_MAX), so that a big file need not be 8 MiB. */
    private static final int CAP = 64 << 10;
    /** Runs a script with @INC cut down to perl-base's directory: what a node is sure to have. */
    private static final String PERL_BASE_ONLY = "BEGIN { @INC = grep { m{/perl-base$} } @INC; die qq{no perl-base directory in \\@INC\\n} unless @INC }"
            + " my $script = shift; do $script; die $@ || qq{cannot run $script: $!\\n}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(token|pem|json-pem|base64):([a-z.]+)}");

    private static final Map<String, String> SECRETS = new LinkedHashMap<>();
    /** The base64 of each private key's DER: what its token is made of, wherever the key is found. */
    private static final Map<String, String> DER = new LinkedHashMap<>();

    /** A file of the bundle as collected on the node, and as it must be after redaction. */
    private record Trap(String file, String collected, String redacted) {
    }

    private static final List<Trap> TRAPS = List.of(
            new Trap("etc/mysql/my.cnf", """
                    [client]
                    user = app
                    password = x9Fh3kLmQ2
                    ssl_key = /etc/mysql/server.key
                    password_file = /etc/mysql/password
                    """, """
                    [client]
                    user = app
                    password = <redacted:password:{token:mariadb.app}>
                    ssl_key = /etc/mysql/server.key
                    password_file = /etc/mysql/password
                    """),
            new Trap("etc/rabbitmq/rabbitmq.conf", """
                    default_user = oth
                    default_pass = Rq4mDefaultPassw0rd
                    auth_backends.1 = internal
                    loopback_users.guest = false
                    """, """
                    default_user = oth
                    default_pass = <redacted:password:{token:rabbitmq.default}>
                    auth_backends.1 = internal
                    loopback_users.guest = false
                    """),
            new Trap("etc/default/minio", """
                    MINIO_ROOT_USER=oth-minio-admin
                    MINIO_ROOT_PASSWORD=M1nioRootPassw0rd42
                    MINIO_VOLUMES=/srv/minio
                    """, """
                    MINIO_ROOT_USER=<redacted:secret:{token:minio.root.user}>
                    MINIO_ROOT_PASSWORD=<redacted:secret:{token:minio.root.password}>
                    MINIO_VOLUMES=/srv/minio
                    """),
            new Trap("var/lib/rabbitmq/.erlang.cookie", "ZXCOOKIEABCDEFGHIJKL", "<redacted:secret:{token:rabbitmq.cookie}>"),
            new Trap("var/log/app/keys.log", """
                    2026-01-01 INFO loading the service key
                    {pem:app.ec.key}2026-01-01 WARN a key in the wrong place:
                    {pem:app.rsa.key}2026-01-01 INFO done
                    """, """
                    2026-01-01 INFO loading the service key
                    <redacted:secret:{token:app.ec.key}>
                    2026-01-01 WARN a key in the wrong place:
                    <redacted:private-key:{token:app.rsa.key}>
                    2026-01-01 INFO done
                    """),
            new Trap("var/log/app/app.json", """
                    {"ts":"2026-01-01T00:00:00Z","level":"DEBUG","config":{"tls_key":"{json-pem:app.rsa.key}","password":"J50nLogPassw0rd","user":"app"}}
                    """, """
                    {"ts":"2026-01-01T00:00:00Z","level":"DEBUG","config":{"tls_key":"<redacted:private-key:{token:app.rsa.key}>\\n","password":"<redacted:password:{token:app.log.password}>","user":"app"}}
                    """),
            new Trap("var/log/app/app.log", """
                    2026-01-01 INFO connecting to jdbc:mariadb://app:S3cretPassw0rd@db:3306/oth
                    2026-01-01 INFO connecting to amqps://u:p4ssw0rdXYZ@mq.internal:5671/oth
                    2026-01-01 DEBUG GET /api/v1/visits Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGgifQ.c2lnbmF0dXJlLXZhbHVl
                    2026-01-01 INFO the password was rotated
                    2026-01-01 DEBUG s3 client key AKIAIOSFODNN7EXAMPLE
                    """, """
                    2026-01-01 INFO connecting to jdbc:mariadb://app:<redacted:url-password:{token:app.jdbc.password}>@db:3306/oth
                    2026-01-01 INFO connecting to amqps://u:<redacted:url-password:{token:app.amqp.password}>@mq.internal:5671/oth
                    2026-01-01 DEBUG GET /api/v1/visits Authorization: Bearer <redacted:authorization:{token:app.bearer}>
                    2026-01-01 INFO the password was rotated
                    2026-01-01 DEBUG s3 client key <redacted:aws-key:{token:aws.key}>
                    """),
            new Trap("var/log/journal.log", """
                    Jan 01 00:00:00 storage-1 minio[812]: root user oth-minio-admin, password M1nioRootPassw0rd42
                    """, """
                    Jan 01 00:00:00 storage-1 minio[812]: root user <redacted:secret:{token:minio.root.user}>, password <redacted:secret:{token:minio.root.password}>
                    """),
            new Trap("var/log/rabbitmq/rabbit.log", """
                    2026-01-01 00:00:00.000 [info] <0.1.0> erl args: -sname rabbit -setcookie ZXCOOKIEABCDEFGHIJKL
                    2026-01-01 00:00:00.001 [debug] <0.1.0> cookie as base64 {base64:rabbitmq.cookie}
                    """, """
                    2026-01-01 00:00:00.000 [info] <0.1.0> erl args: -sname rabbit -setcookie <redacted:secret:{token:rabbitmq.cookie}>
                    2026-01-01 00:00:00.001 [debug] <0.1.0> cookie as base64 <redacted:secret:{token:rabbitmq.cookie}>
                    """));

    /** What the script prints for the traps, the binary file and the big one: file, rule, count. */
    private static final String REPORT = """
            bin/core	binary	1
            etc/default/minio	secret	2
            etc/mysql/my.cnf	password	1
            etc/rabbitmq/rabbitmq.conf	password	1
            var/lib/rabbitmq/.erlang.cookie	secret	1
            var/log/app/app.json	private-key	1
            var/log/app/app.json	password	1
            var/log/app/app.log	url-password	2
            var/log/app/app.log	authorization	1
            var/log/app/app.log	aws-key	1
            var/log/app/keys.log	secret	1
            var/log/app/keys.log	private-key	1
            var/log/big.log	truncated	1
            var/log/journal.log	secret	2
            var/log/rabbitmq/rabbit.log	secret	2
            """;

    @TempDir
    Path root;
    private Path script;
    private Path node;
    private Path bundle;

    @BeforeAll
    static void secrets() throws GeneralSecurityException {
        SECRETS.put("mariadb.app", "x9Fh3kLmQ2");
        SECRETS.put("rabbitmq.default", "Rq4mDefaultPassw0rd");
        SECRETS.put("minio.root.user", "oth-minio-admin");
        SECRETS.put("minio.root.password", "M1nioRootPassw0rd42");
        SECRETS.put("rabbitmq.cookie", "ZXCOOKIEABCDEFGHIJKL");
        SECRETS.put("app.log.password", "J50nLogPassw0rd");
        SECRETS.put("app.jdbc.password", "S3cretPassw0rd");
        SECRETS.put("app.amqp.password", "p4ssw0rdXYZ");
        SECRETS.put("app.bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGgifQ.c2lnbmF0dXJlLXZhbHVl");
        SECRETS.put("aws.key", "AKIAIOSFODNN7EXAMPLE");
        privateKey("app.ec.key", "EC", "EC PRIVATE KEY");
        privateKey("app.rsa.key", "RSA", "RSA PRIVATE KEY");
    }

    private static void privateKey(String name, String algorithm, String label) throws GeneralSecurityException {
        byte[] der = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate().getEncoded();
        DER.put(name, Base64.getEncoder().encodeToString(der));
        SECRETS.put(name, "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n");
    }

    /** The node's own files that oth names as secret sources, the script, and the bundle as collected. */
    @BeforeEach
    void aCollectedBundle() throws IOException {
        script = root.resolve("redact.pl");
        try (InputStream in = BundleVerifier.class.getResourceAsStream("redact.pl")) {
            Files.write(script, in.readAllBytes());
        }
        node = root.resolve("node");
        write(node.resolve("var/lib/rabbitmq/.erlang.cookie"), SECRETS.get("rabbitmq.cookie"));
        write(node.resolve("etc/ssl/private/app-ec.key"), SECRETS.get("app.ec.key"));
        write(node.resolve("etc/default/minio"), trap("etc/default/minio").collected());
        bundle = root.resolve("bundle");
        for (Trap trap : TRAPS) {
            write(bundle.resolve(trap.file()), fill(trap.collected(), KEY));
        }
        byte[] core = new byte[1000];
        core[10] = 'E';
        Files.createDirectories(bundle.resolve("bin"));
        Files.write(bundle.resolve("bin/core"), core);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            big.append(String.format("line %06d\n", i));
        }
        write(bundle.resolve("var/log/big.log"), big.toString());
        write(root.resolve("outside.log"), SECRETS.get("rabbitmq.cookie"));
        Files.createSymbolicLink(bundle.resolve("var/log/link.log"), root.resolve("outside.log"));
    }

    @Test
    void everyTrapIsRedactedOnTheNodeAndTheBundleVerifies() throws Exception {
        Set<String> everySecret = new HashSet<>(SECRETS.keySet());
        everySecret.add(BundleVerifier.PEM_PRIVATE_KEY);
        assertEquals(everySecret, Set.copyOf(leakedSecrets()), "the bundle as collected leaks every secret (else this test proves nothing)");

        Result result = redact(bundle, KEY);

        assertEquals(new Result(0, REPORT, ""), result);
        assertAll(TRAPS.stream().map(trap -> () -> assertEquals(fill(trap.redacted(), KEY), Files.readString(bundle.resolve(trap.file())), trap.file())));
        assertEquals(List.of(), leakedSecrets(), "a secret left the node");
        for (String value : SECRETS.values()) {
            for (SecretForms.Form form : SecretForms.of(value)) {
                assertFalse(result.out().contains(form.text()), "a value in the script's output");
            }
        }
        for (Path file : Archives.files(bundle).keySet().stream().map(bundle::resolve).toList()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertEquals(SECRETS.get("rabbitmq.cookie"), Files.readString(root.resolve("outside.log")), "a link was followed");
        assertTrue(Files.isSymbolicLink(bundle.resolve("var/log/link.log")));
    }

    @Test
    void aBinaryFileIsOmittedAndABigOneKeepsItsEnd() throws Exception {
        redact(bundle, KEY);

        assertEquals("oth: binary file omitted (1000 bytes)\n", Files.readString(bundle.resolve("bin/core")));
        List<String> lines = Files.readAllLines(bundle.resolve("var/log/big.log"));
        assertTrue(lines.get(0).matches("oth: truncated to its last [0-9]+ of 240000 bytes"), lines.get(0));
        assertEquals("line 019999", lines.get(lines.size() - 1));
        assertTrue(lines.subList(1, lines.size()).stream().allMatch(l -> l.matches("line [0-9]{6}")), "a partial line kept");
        long size = Files.size(bundle.resolve("var/log/big.log"));
        assertTrue(size <= CAP && size > CAP - 2 * 12 - lines.get(0).length(), size + " bytes kept");
    }

    @Test
    void aSecondRunChangesNothing() throws Exception {
        redact(bundle, KEY);
        Map<String, byte[]> once = Archives.files(bundle);

        Result again = redact(bundle, KEY);

        assertEquals(new Result(0, "", ""), again);
        Map<String, byte[]> twice = Archives.files(bundle);
        assertEquals(once.keySet(), twice.keySet());
        once.forEach((name, content) -> assertEquals(new String(content, StandardCharsets.ISO_8859_1), new String(twice.get(name), StandardCharsets.ISO_8859_1), name));
    }

    @Test
    void anotherBundleKeyGivesOtherTokens() throws Exception {
        redact(bundle, OTHER_KEY);

        assertNotEquals(fill("{token:rabbitmq.cookie}", KEY), fill("{token:rabbitmq.cookie}", OTHER_KEY));
        assertAll(TRAPS.stream().map(trap -> () -> assertEquals(fill(trap.redacted(), OTHER_KEY), Files.readString(bundle.resolve(trap.file())), trap.file())));
    }

    @Test
    void aBadKeyIsRefusedWithoutTouchingAFile() throws Exception {
        Map<String, byte[]> before = Archives.files(bundle);

        Result result = run(bundle, "x9Fh3kLmQ2\n");

        assertNotEquals(0, result.code());
        assertEquals("redact.pl: the first line of stdin must be the bundle key as 64 hex digits\n", result.err());
        assertEquals(before.keySet(), Archives.files(bundle).keySet());
        assertEquals(new String(before.get("etc/mysql/my.cnf"), StandardCharsets.UTF_8), Files.readString(bundle.resolve("etc/mysql/my.cnf")));
    }

    /** The restriction to perl-base is real: a module from elsewhere is not found under it. */
    @Test
    void aModuleOutsidePerlBaseIsNotFound() throws Exception {
        Files.writeString(script, "use Digest::SHA;\n");

        Result result = run(bundle, "");

        assertNotEquals(0, result.code());
        assertTrue(result.err().contains("Can't locate Digest/SHA.pm"), result.err());
    }

    private static Trap trap(String file) {
        return TRAPS.stream().filter(t -> t.file().equals(file)).findFirst().orElseThrow();
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs the script over {@code dir} with the bundle key and the node's secret sources on stdin, as oth does. */
    private Result redact(Path dir, String key) throws Exception {
        return run(dir, key + "\n"
                + "whole " + node.resolve("var/lib/rabbitmq/.erlang.cookie") + "\n"
                + "whole " + node.resolve("etc/ssl/private/app-ec.key") + "\n"
                + "kv " + node.resolve("etc/default/minio") + "\n"
                + "kv " + node.resolve("etc/missing.conf") + "\n");
    }

    private Result run(Path dir, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("perl", "-e", PERL_BASE_ONLY, script.toString(), dir.toString())
                .redirectOutput(root.resolve("out").toFile()).redirectError(root.resolve("err").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("PERL"));
        builder.environment().put("OTH_REDACT_MAX", String.valueOf(CAP));
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "redact.pl did not finish");
        return new Result(process.exitValue(), Files.readString(root.resolve("out")), Files.readString(root.resolve("err")));
    }

    /** The names of the secrets that BundleVerifier finds in the bundle directory, packed as a .tar.gz. */
    private List<String> leakedSecrets() throws IOException {
        Path tarGz = Archives.tarGz(root.resolve("bundle.tar.gz"), Deflater.DEFAULT_COMPRESSION, Archives.files(bundle));
        List<String> names = new ArrayList<>();
        for (BundleVerifier.Leak leak : BundleVerifier.verify(tarGz, SECRETS)) {
            names.add(leak.secretName());
        }
        return names;
    }

    /** {@code template} with its placeholders filled in: a secret's token under {@code key}, or a key in one of its forms. */
    private static String fill(String template, String key) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String value = SECRETS.get(name);
            String replacement = switch (m.group(1)) {
                case "token" -> token(key, DER.getOrDefault(name, value));
                case "pem" -> value;
                case "json-pem" -> value.replace("\n", "\\n");
                default -> Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    /** The first 8 hex digits of HMAC-SHA256(key, value), as Java computes it. */
    private static String token(String hexKey, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(hexKey), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
