package io.oth.standin;

import io.oth.madmin.MadminCrypto;

import static io.oth.standin.S3Calls.bucketNames;
import static io.oth.standin.S3Calls.errorCode;
import static io.oth.standin.S3Calls.get;
import static io.oth.standin.S3Calls.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.CopyObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Signer;
import io.minio.SourceObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API subset, called as madmin-go calls it: signed with MinIO's Java client's own V4
 * signer (so not with the code that checks it), secrets madmin-encrypted with the root secret.
 */
class AdminApiTest {
    private static final String ROOT = "oth-admin";
    private static final String ROOT_SECRET = "root-secret-0123";
    private static final Map<String, String> ENV = Map.of(MinioStandIn.ROOT_USER, ROOT, MinioStandIn.ROOT_PASSWORD, ROOT_SECRET);
    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],"
            + "\"Resource\":[\"arn:aws:s3:::app-bucket\",\"arn:aws:s3:::app-bucket/*\"]}]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestPki pki;

    @TempDir
    Path temp;

    @AutoClose
    private final Closer toClose = new Closer();
    private MinioStandIn standIn;
    private OkHttpClient http;

    private record Answer(int status, byte[] body) {
        String code() throws Exception {
            return body.length == 0 ? "" : JSON.readTree(body).path("Code").asText();
        }
    }

    @BeforeAll
    static void createPki() throws Exception {
        pki = new TestPki();
    }

    @Test
    void aUserMadeThroughTheAdminApiReachesTheBucketOfItsPolicyAndNoOther() throws Exception {
        start();
        MinioClient root = client(ROOT, ROOT_SECRET);
        root.makeBucket(MakeBucketArgs.builder().bucket("app-bucket").build());
        root.makeBucket(MakeBucketArgs.builder().bucket("other-bucket").build());
        put(root, "other-bucket", "secret.txt", "not for the app");

        assertEquals(200, admin("PUT", "add-canned-policy", Map.of("name", "app"), POLICY.getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(200, addUser("app-key", "app-secret-0123", "enabled").status());
        MinioClient app = client("app-key", "app-secret-0123");
        assertEquals("AccessDenied", errorCode(() -> put(app, "app-bucket", "x", "y")), "no policy yet: nothing");
        Answer attached = association("attach", "app-key", "app");
        assertEquals(200, attached.status());
        assertEquals("app", JSON.readTree(MadminCrypto.decrypt(ROOT_SECRET, attached.body())).path("policiesAttached").get(0).asText(),
                "the answer is encrypted with the root secret");

        put(app, "app-bucket", "upload.bin", "from the app");
        assertEquals("from the app", get(app, "app-bucket", "upload.bin"));
        assertEquals(List.of("app-bucket"), bucketNames(app));
        assertEquals("AccessDenied", errorCode(() -> get(app, "other-bucket", "secret.txt")));
        assertEquals("AccessDenied", errorCode(() -> app.makeBucket(MakeBucketArgs.builder().bucket("third").build())));
        assertEquals("AccessDenied", errorCode(() -> app.copyObject(CopyObjectArgs.builder().bucket("app-bucket").object("copied.txt")
                .source(SourceObject.builder().bucket("other-bucket").object("secret.txt").build()).build())));

        JsonNode info = JSON.readTree(admin("GET", "user-info", Map.of("accessKey", "app-key"), null).body());
        assertEquals("app", info.path("policyName").asText());
        assertEquals("enabled", info.path("status").asText());
        assertFalse(info.has("secretKey"), "user-info never shows the secret");
        assertEquals(JSON.readTree(POLICY), JSON.readTree(admin("GET", "info-canned-policy", Map.of("name", "app"), null).body()));
    }

    @Test
    void aNewSecretADisabledOrRemovedUserAndADetachedPolicyCountFromTheNextRequest() throws Exception {
        start();
        client(ROOT, ROOT_SECRET).makeBucket(MakeBucketArgs.builder().bucket("app-bucket").build());
        admin("PUT", "add-canned-policy", Map.of("name", "app"), POLICY.getBytes(StandardCharsets.UTF_8));
        addUser("app-key", "app-secret-0123", "enabled");
        association("attach", "app-key", "app");

        addUser("app-key", "new-secret-4567", "enabled");
        assertEquals("SignatureDoesNotMatch", errorCode(() -> put(client("app-key", "app-secret-0123"), "app-bucket", "k", "v")));
        put(client("app-key", "new-secret-4567"), "app-bucket", "k", "v");
        assertEquals("app", JSON.readTree(admin("GET", "user-info", Map.of("accessKey", "app-key"), null).body()).path("policyName").asText(),
                "a new secret keeps the policies");

        assertEquals(200, association("detach", "app-key", "app").status());
        assertEquals("AccessDenied", errorCode(() -> get(client("app-key", "new-secret-4567"), "app-bucket", "k")));
        association("attach", "app-key", "app");

        addUser("app-key", "new-secret-4567", "disabled");
        assertEquals("InvalidAccessKeyId", errorCode(() -> get(client("app-key", "new-secret-4567"), "app-bucket", "k")));
        addUser("app-key", "new-secret-4567", "enabled");
        assertEquals("v", get(client("app-key", "new-secret-4567"), "app-bucket", "k"));

        assertEquals(200, admin("DELETE", "remove-user", Map.of("accessKey", "app-key"), null).status());
        assertEquals("InvalidAccessKeyId", errorCode(() -> get(client("app-key", "new-secret-4567"), "app-bucket", "k")));
        assertEquals("XMinioAdminNoSuchUser", admin("GET", "user-info", Map.of("accessKey", "app-key"), null).code());
    }

    @Test
    void usersAndPoliciesOutliveARestartInAPrivateFileThatIsNoBucket() throws Exception {
        start();
        admin("PUT", "add-canned-policy", Map.of("name", "app"), POLICY.getBytes(StandardCharsets.UTF_8));
        addUser("app-key", "app-secret-0123", "enabled");
        association("attach", "app-key", "app");
        client(ROOT, ROOT_SECRET).makeBucket(MakeBucketArgs.builder().bucket("app-bucket").build());
        toClose.close();

        start();
        put(client("app-key", "app-secret-0123"), "app-bucket", "k", "v");
        Path file = temp.resolve("data").resolve(".standin-iam.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("app-bucket"), bucketNames(client(ROOT, ROOT_SECRET)));
    }

    @Test
    void onlyTheRootUserWithAGoodSignatureOverThisVeryBodyGetsIn() throws Exception {
        start();
        assertEquals("SignatureDoesNotMatch", call("GET", "user-info", Map.of("accessKey", "x"), null, ROOT, "wrong-secret-0123", null).code());
        admin("PUT", "add-canned-policy", Map.of("name", "app"), POLICY.getBytes(StandardCharsets.UTF_8));
        addUser("app-key", "app-secret-0123", "enabled");
        assertEquals("InvalidAccessKeyId", call("GET", "user-info", Map.of("accessKey", "app-key"), null, "app-key", "app-secret-0123", null).code());
        assertEquals("XAmzContentSHA256Mismatch", call("PUT", "add-canned-policy", Map.of("name", "app"),
                POLICY.getBytes(StandardCharsets.UTF_8), ROOT, ROOT_SECRET, sha256("{}".getBytes(StandardCharsets.UTF_8))).code());
        try (Response unsigned = http.newCall(new Request.Builder().url(url("user-info", Map.of("accessKey", "app-key"))).build()).execute()) {
            assertEquals(403, unsigned.code());
        }
    }

    @Test
    void refusalsUseMinioErrorCodes() throws Exception {
        start();
        assertEquals("XMinioAdminNoSuchPolicy", admin("GET", "info-canned-policy", Map.of("name", "nope"), null).code());
        assertEquals("XMinioAdminNoSuchUser", admin("GET", "user-info", Map.of("accessKey", "nope"), null).code());
        byte[] wrongKey = MadminCrypto.encrypt("not-the-root-secret", "{\"secretKey\":\"app-secret-0123\",\"status\":\"enabled\"}"
                .getBytes(StandardCharsets.UTF_8));
        Answer badBody = admin("PUT", "add-user", Map.of("accessKey", "app-key"), wrongKey);
        assertEquals(400, badBody.status());
        assertEquals("XMinioAdminConfigBadJSON", badBody.code());
        assertEquals("XMinioAdminInvalidArgument", addUser(ROOT, "app-secret-0123", "enabled").code(), "the root user is no user");
        assertEquals("XMinioAdminInvalidSecretKey", addUser("app-key", "short", "enabled").code());
        addUser("app-key", "app-secret-0123", "enabled");
        assertEquals("XMinioAdminNoSuchPolicy", association("attach", "app-key", "nope").code());
        admin("PUT", "add-canned-policy", Map.of("name", "app"), POLICY.getBytes(StandardCharsets.UTF_8));
        association("attach", "app-key", "app");
        assertEquals("XMinioAdminPolicyChangeAlreadyApplied", association("attach", "app-key", "app").code());
        Answer wildcard = admin("PUT", "add-canned-policy", Map.of("name", "all"), POLICY.replace("app-bucket\"", "*\"").getBytes(StandardCharsets.UTF_8));
        assertEquals(501, wildcard.status(), "a policy the stand-in cannot enforce is refused, not half-honoured");
        assertEquals("XMinioAdminNotImplemented", admin("GET", "list-users", Map.of(), null).code());
    }

    private void start() throws Exception {
        standIn = MinioStandIn.start(List.of("server", temp.resolve("data").toString(), "--address", "127.0.0.1:0",
                "--certs-dir", pki.writeCertsDir(temp.resolve("certs"), "EC", TestPki.KeyForm.PKCS8).toString()), ENV);
        toClose.add(standIn);
        http = pki.httpClient();
        OkHttpClient h = http;
        toClose.add(() -> h.connectionPool().evictAll());
    }

    private Answer addUser(String accessKey, String secret, String status) throws Exception {
        byte[] json = JSON.writeValueAsBytes(Map.of("secretKey", secret, "status", status));
        return admin("PUT", "add-user", Map.of("accessKey", accessKey), MadminCrypto.encrypt(ROOT_SECRET, json));
    }

    private Answer association(String operation, String user, String policy) throws Exception {
        byte[] json = JSON.writeValueAsBytes(Map.of("policies", List.of(policy), "user", user));
        return admin("POST", "idp/builtin/policy/" + operation, Map.of(), MadminCrypto.encrypt(ROOT_SECRET, json));
    }

    private Answer admin(String method, String path, Map<String, String> query, byte[] body) throws Exception {
        return call(method, path, query, body, ROOT, ROOT_SECRET, null);
    }

    /** As madmin-go: x-amz-content-sha256 of the body (or {@code claimedHash}), V4 for s3 in us-east-1. */
    private Answer call(String method, String path, Map<String, String> query, byte[] body, String accessKey, String secret,
            String claimedHash) throws Exception {
        HttpUrl url = url(path, query);
        String hash = claimedHash != null ? claimedHash : sha256(body == null ? new byte[0] : body);
        Request request = new Request.Builder().url(url).method(method, body == null ? null
                        : RequestBody.create(body, MediaType.get("application/octet-stream")))
                .header("Host", url.host() + ":" + url.port())
                .header("x-amz-date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")))
                .header("x-amz-content-sha256", hash).build();
        try (Response response = http.newCall(Signer.signV4S3(request, "us-east-1", accessKey, secret, hash)).execute()) {
            return new Answer(response.code(), response.body().bytes());
        }
    }

    private HttpUrl url(String path, Map<String, String> query) {
        HttpUrl.Builder url = HttpUrl.get(standIn.url().toString()).newBuilder().encodedPath("/minio/admin/v3/" + path);
        query.forEach(url::addQueryParameter);
        return url.build();
    }

    private MinioClient client(String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(standIn.url().toString()).credentials(accessKey, secretKey).httpClient(http).build();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
