package io.oth.standin;

import static io.oth.standin.S3Calls.bucketNames;
import static io.oth.standin.S3Calls.errorCode;
import static io.oth.standin.S3Calls.get;
import static io.oth.standin.S3Calls.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in in-process, driven by MinIO's own Java client as an application would. */
class MinioStandInTest {
    private static final String ROOT = "oth-root";
    private static final String ROOT_SECRET = "root-secret-0123";
    private static final Map<String, String> ENV = Map.of(
            MinioStandIn.ROOT_USER, ROOT, MinioStandIn.ROOT_PASSWORD, ROOT_SECRET);

    private static TestPki pki;

    @TempDir
    Path temp;

    @AutoClose
    private final Closer toClose = new Closer();

    @BeforeAll
    static void createPki() throws Exception {
        pki = new TestPki();
    }

    @Test
    void rootCredentialsOverHttpsStoreObjectsInTheDataDirectory() throws Exception {
        Path data = temp.resolve("data");
        MinioStandIn standIn = start(data, pki.writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8));
        assertTrue(standIn.secure());
        MinioClient root = client(standIn, ROOT, ROOT_SECRET);

        root.makeBucket(MakeBucketArgs.builder().bucket("oth-files").build());
        put(root, "oth-files", "reports/a.txt", "hello");

        assertEquals("hello", get(root, "oth-files", "reports/a.txt"));
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(data.resolve("oth-files/reports/a.txt")), "S3Proxy's filesystem store, basedir DATA_DIR");
        root.removeObject(RemoveObjectArgs.builder().bucket("oth-files").object("reports/a.txt").build());
        assertEquals("NoSuchKey", errorCode(() -> root.statObject(
                StatObjectArgs.builder().bucket("oth-files").object("reports/a.txt").build())));
    }

    @Test
    void aWrongSecretOrAnUnknownKeyIsRefused() throws Exception {
        MinioStandIn standIn = start(temp.resolve("data"), pki.writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8));
        client(standIn, ROOT, ROOT_SECRET).makeBucket(MakeBucketArgs.builder().bucket("app-bucket").build());

        assertEquals("SignatureDoesNotMatch", errorCode(() -> bucketNames(client(standIn, ROOT, "wrong-secret-0123"))));
        assertEquals("InvalidAccessKeyId", errorCode(() -> bucketNames(client(standIn, "nobody", "any-secret-0123"))));
    }

    @Test
    void withoutCertificatesItServesPlainHttpOnEveryInterface() throws Exception {
        Path data = temp.resolve("data");
        Map<String, String> env = new HashMap<>(ENV);
        env.put("HOME", temp.resolve("home").toString()); // no $HOME/.minio/certs: MinIO's default, empty
        MinioStandIn standIn = started(MinioStandIn.start(List.of("server", data.toString(), "--address", ":0"), env));

        assertFalse(standIn.secure());
        assertEquals("http", standIn.url().getScheme());
        MinioClient root = client(standIn, ROOT, ROOT_SECRET);
        root.makeBucket(MakeBucketArgs.builder().bucket("plain").build());
        put(root, "plain", "k", "v");
        assertEquals("v", get(root, "plain", "k"));
    }

    @Test
    void aTraditionalRsaKeyServesHttpsToo() throws Exception {
        MinioStandIn standIn = start(temp.resolve("data"),
                pki.writeCertsDir(temp.resolve("certs"), "RSA", TestPki.KeyForm.TRADITIONAL));
        MinioClient root = client(standIn, ROOT, ROOT_SECRET);
        root.makeBucket(MakeBucketArgs.builder().bucket("rsa").build());
        assertTrue(root.bucketExists(BucketExistsArgs.builder().bucket("rsa").build()));
    }

    @Test
    void aMissingRootPasswordIsNamedAndStopsTheStart() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MinioStandIn.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                List.of("server", temp.resolve("data").toString(), "--address", "127.0.0.1:0"),
                Map.of(MinioStandIn.ROOT_USER, ROOT));

        assertEquals(1, code);
        assertEquals("minio stand-in: MINIO_ROOT_PASSWORD is not set; MinIO (and its stand-in) needs MINIO_ROOT_USER"
                + " and MINIO_ROOT_PASSWORD in the environment\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShortRootPasswordIsRefusedWithoutShowingIt() {
        StandInException refused = assertThrows(StandInException.class, () -> MinioStandIn.start(
                List.of("server", temp.resolve("data").toString()),
                Map.of(MinioStandIn.ROOT_USER, ROOT, MinioStandIn.ROOT_PASSWORD, "hunter2")));
        assertEquals("MINIO_ROOT_PASSWORD must be at least 8 characters long, as MinIO requires",
                refused.getMessage());
    }

    @Test
    void aPortInUseStopsTheStart() throws Exception {
        MinioStandIn first = start(temp.resolve("one"), temp.resolve("no-certs"));
        StandInException refused = assertThrows(StandInException.class, () -> MinioStandIn.start(
                List.of("server", temp.resolve("two").toString(), "--address", "127.0.0.1:" + first.port()), ENV));
        assertTrue(refused.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.port() + ": "),
                refused.getMessage());
    }

    @Test
    void versionNamesTheStandInAndS3Proxy() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = MinioStandIn.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                List.of("--version"), Map.of());
        assertEquals(0, code);
        assertEquals("minio version stand-in (S3Proxy 4.1.0)\n", out.toString(StandardCharsets.UTF_8));
    }

    private MinioStandIn start(Path data, Path certs) throws StandInException {
        return started(MinioStandIn.start(List.of("server", data.toString(), "--address", "127.0.0.1:0",
                "--certs-dir", certs.toString(), "--console-address", ":9001"), ENV));
    }

    private MinioStandIn started(MinioStandIn standIn) {
        toClose.add(standIn);
        return standIn;
    }

    private MinioClient client(MinioStandIn standIn, String accessKey, String secretKey) throws Exception {
        OkHttpClient http = pki.httpClient();
        // Idle keep-alive connections would hold the server's graceful stop.
        toClose.add(() -> http.connectionPool().evictAll());
        return MinioClient.builder().endpoint(standIn.url().toString()).credentials(accessKey, secretKey)
                .httpClient(http).build();
    }
}
