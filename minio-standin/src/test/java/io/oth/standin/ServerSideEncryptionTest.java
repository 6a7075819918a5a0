package io.oth.standin;

import static io.oth.standin.S3Calls.errorCode;
import static io.oth.standin.S3Calls.get;
import static io.oth.standin.S3Calls.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.CopyObjectArgs;
import io.minio.DeleteBucketEncryptionArgs;
import io.minio.Directive;
import io.minio.GetBucketEncryptionArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.ServerSideEncryption;
import io.minio.SetBucketEncryptionArgs;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.SseAlgorithm;
import io.minio.messages.SseConfiguration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSE-S3 with MinIO's static KMS key, driven by MinIO's Java client; what lands on disk read back from the data directory. */
class ServerSideEncryptionTest {
    private static final String ROOT = "oth-root";
    private static final String ROOT_SECRET = "root-secret-0123";
    private static final String KMS = "oth-minio-key:" + Base64.getEncoder().encodeToString(new Random(1).ints(32).collect(
            java.io.ByteArrayOutputStream::new, (out, i) -> out.write(i), (a, b) -> { }).toByteArray());
    private static final String BODY = "DISTINCTIVE-PLAINTEXT-4711 of a patient's letter; ";
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
    void aBucketWithSseS3DefaultKeepsItsObjectsEncryptedOnDiskAndServesThemDecrypted() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        put(root, "oth", "before.txt", BODY);

        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        assertEquals(SseAlgorithm.AES256, root.getBucketEncryption(GetBucketEncryptionArgs.builder().bucket("oth").build()).rule().sseAlgorithm());
        String body = BODY.repeat(3000);
        ObjectWriteResponse written = putBytes(root, "oth", "letters/a.txt", body.getBytes(StandardCharsets.UTF_8));

        assertEquals("AES256", written.headers().get("x-amz-server-side-encryption"));
        assertEquals(body, get(root, "oth", "letters/a.txt"));
        StatObjectResponse stat = root.statObject(StatObjectArgs.builder().bucket("oth").object("letters/a.txt").build());
        assertEquals(body.length(), stat.size());
        assertEquals("AES256", stat.headers().get("x-amz-server-side-encryption"));
        try (GetObjectResponse part = root.getObject(GetObjectArgs.builder().bucket("oth").object("letters/a.txt").offset(70_000L).length(20L).build())) {
            assertEquals(body.substring(70_000, 70_020), new String(part.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("AES256", part.headers().get("x-amz-server-side-encryption"));
        }
        assertEquals(Map.of("before.txt", (long) BODY.length(), "letters/a.txt", (long) body.length()), sizes(root, "oth"));

        assertFalse(onDisk(data.resolve("oth/letters/a.txt")).contains("DISTINCTIVE"), "the stored object is not its plaintext");
        // written before the default was set: left as it was, as in MinIO, and still readable
        assertTrue(onDisk(data.resolve("oth/before.txt")).contains("DISTINCTIVE"));
        assertEquals(BODY, get(root, "oth", "before.txt"));
        assertNull(root.statObject(StatObjectArgs.builder().bucket("oth").object("before.txt").build())
                .headers().get("x-amz-server-side-encryption"));
    }

    @Test
    void rewritingAnOldObjectInPlaceEncryptsIt() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        put(root, "oth", "old.txt", BODY);
        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());

        // S3 (and S3Proxy's front end) take a copy onto itself only when it replaces the metadata
        root.copyObject(CopyObjectArgs.builder().bucket("oth").object("old.txt").metadataDirective(Directive.REPLACE)
                .headers(Map.of("Content-Type", "text/plain")).source(SourceObject.builder().bucket("oth").object("old.txt").build()).build());

        assertFalse(onDisk(data.resolve("oth/old.txt")).contains("DISTINCTIVE"));
        assertEquals(BODY, get(root, "oth", "old.txt"));
        assertEquals("text/plain", root.statObject(StatObjectArgs.builder().bucket("oth").object("old.txt").build()).contentType());
        root.copyObject(CopyObjectArgs.builder().bucket("oth").object("copy.txt")
                .source(SourceObject.builder().bucket("oth").object("old.txt").build()).build());
        assertEquals(BODY, get(root, "oth", "copy.txt"));
    }

    @Test
    void aRequestForAes256IsEncryptedInABucketWithoutDefaultAndMultipartUploadsToo() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("plain").build());
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        root.putObject(PutObjectArgs.builder().bucket("plain").object("asked").data(body, body.length).sse(new ServerSideEncryption.S3()).build());
        assertFalse(onDisk(data.resolve("plain/asked")).contains("DISTINCTIVE"));
        assertEquals(BODY, get(root, "plain", "asked"));

        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("plain").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        byte[] big = BODY.repeat(6 * 1024 * 1024 / BODY.length() + 1000).getBytes(StandardCharsets.UTF_8);
        // unknown size: the client uploads 5 MiB parts
        root.putObject(PutObjectArgs.builder().bucket("plain").object("big").stream(new ByteArrayInputStream(big), null, 5L * 1024 * 1024).build());
        assertFalse(onDisk(data.resolve("plain/big")).contains("DISTINCTIVE"));
        try (GetObjectResponse read = root.getObject(GetObjectArgs.builder().bucket("plain").object("big").build())) {
            assertArrayEquals(big, read.readAllBytes());
        }
        assertEquals(big.length, root.statObject(StatObjectArgs.builder().bucket("plain").object("big").build()).size());
    }

    @Test
    void deletingTheDefaultLeavesEncryptedObjectsReadableAndWritesNewOnesPlain() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        put(root, "oth", "sealed", BODY);

        root.deleteBucketEncryption(DeleteBucketEncryptionArgs.builder().bucket("oth").build());
        assertNull(root.getBucketEncryption(GetBucketEncryptionArgs.builder().bucket("oth").build()).rule());
        put(root, "oth", "open", BODY);

        assertEquals(BODY, get(root, "oth", "sealed"));
        assertTrue(onDisk(data.resolve("oth/open")).contains("DISTINCTIVE"));
    }

    @Test
    void theDefaultOutlivesARestartAndAnotherKmsKeyCannotReadTheObjects() throws Exception {
        Path data = temp.resolve("data");
        MinioStandIn first = start(data, KMS);
        MinioClient root = client(first);
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        put(root, "oth", "k", BODY);
        toClose.close();

        MinioClient again = client(start(data, KMS));
        assertEquals(SseAlgorithm.AES256, again.getBucketEncryption(GetBucketEncryptionArgs.builder().bucket("oth").build()).rule().sseAlgorithm());
        assertEquals(BODY, get(again, "oth", "k"));
        toClose.close();

        MinioClient otherKey = client(start(data, "oth-minio-key:" + Base64.getEncoder().encodeToString(new byte[32])));
        assertThrows(Exception.class, () -> get(otherKey, "oth", "k"));
    }

    @Test
    void aChangedByteOnDiskFailsTheRead() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        put(root, "oth", "k", BODY);
        Path file = data.resolve("oth/k");
        byte[] stored = Files.readAllBytes(file);
        stored[stored.length - 20] ^= 1;
        Files.write(file, stored);

        assertThrows(Exception.class, () -> get(root, "oth", "k"));
    }

    @Test
    void withoutAKmsKeyEncryptionIsRefusedAsMinioRefusesIt() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, null));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());

        assertEquals("NotImplemented", errorCode(() -> root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth")
                .config(SseConfiguration.newConfigWithSseS3Rule()).build())));
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertEquals("NotImplemented", errorCode(() -> root.putObject(PutObjectArgs.builder().bucket("oth").object("k")
                .data(body, body.length).sse(new ServerSideEncryption.S3()).build())));
    }

    @Test
    void aBucketThatEncryptsStopsAStartWithoutKmsKeyAndAMalformedKeyStopsAnyStart() throws Exception {
        Path data = temp.resolve("data");
        MinioClient root = client(start(data, KMS));
        root.makeBucket(MakeBucketArgs.builder().bucket("oth").build());
        root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket("oth").config(SseConfiguration.newConfigWithSseS3Rule()).build());
        toClose.close();

        StandInException refused = assertThrows(StandInException.class, () -> start(data, null));
        assertEquals("bucket oth encrypts its objects (SSE-S3) but MINIO_KMS_SECRET_KEY is not set: KMS not configured", refused.getMessage());
        StandInException malformed = assertThrows(StandInException.class, () -> start(temp.resolve("other"), "no-colon-here"));
        assertEquals("MINIO_KMS_SECRET_KEY: invalid format: expected KEY-NAME:BASE64-KEY", malformed.getMessage());
    }

    private MinioStandIn start(Path data, String kms) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(MinioStandIn.ROOT_USER, ROOT, MinioStandIn.ROOT_PASSWORD, ROOT_SECRET));
        if (kms != null) {
            env.put(KmsKey.VARIABLE, kms);
        }
        Path certs = temp.resolve("certs");
        if (!Files.exists(certs)) {
            pki.writeCertsDir(certs, "EC", TestPki.KeyForm.PKCS8);
        }
        return toClose.add(MinioStandIn.start(List.of("server", data.toString(), "--address", "127.0.0.1:0", "--certs-dir", certs.toString()), env));
    }

    private MinioClient client(MinioStandIn standIn) throws Exception {
        OkHttpClient http = pki.httpClient();
        toClose.add(() -> http.connectionPool().evictAll());
        return MinioClient.builder().endpoint(standIn.url().toString()).credentials(ROOT, ROOT_SECRET).httpClient(http).build();
    }

    private static ObjectWriteResponse putBytes(MinioClient client, String bucket, String key, byte[] bytes) throws Exception {
        return client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(bytes, bytes.length).build());
    }

    private static Map<String, Long> sizes(MinioClient client, String bucket) throws Exception {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        for (var result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            sizes.put(result.get().objectName(), result.get().size());
        }
        return sizes;
    }

    private static String onDisk(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
