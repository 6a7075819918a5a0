package io.oth.minio;

import io.oth.madmin.MadminCrypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.Signer;
import io.minio.errors.MinioException;
import io.oth.secret.Secret;
import io.oth.site.Addresses;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls of MinIO's admin API ({@code /minio/admin/v3/}) that oth needs for an application
 * account: canned policies, built-in users, and which policies a user has. Requests are signed
 * with AWS Signature V4 for service {@code s3} in {@code us-east-1}, the payload hash in
 * {@code X-Amz-Content-Sha256}, as madmin-go signs them; bodies that carry secrets are encrypted
 * with the requester's secret key ({@link MadminCrypto}), as the server expects.
 *
 * <p>The {@code v3} prefix is the one the MinIO server serves (minio/minio cmd/admin-router.go;
 * madmin-go v4 moved to {@code /v4} for AIStor). Policies are attached with
 * {@code idp/builtin/policy/attach|detach}, not the older {@code set-user-or-group-policy}, which
 * the server marks deprecated and madmin-go no longer calls.
 */
public final class MinioAdmin {
    private static final String PREFIX = "/minio/admin/v3/";
    private static final String REGION = "us-east-1";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignedCalls minio;

    /** {@code endpoint}: {@code https://host:port} of the server; signs as {@code accessKey} (the root user, for oth). */
    public MinioAdmin(OkHttpClient http, String endpoint, String accessKey, Secret secretKey) {
        this.minio = new SignedCalls(http, endpoint, accessKey, secretKey);
    }

    /** A user as the admin API shows it: enabled or not, and the policies attached to it. */
    public record User(boolean enabled, List<String> policies) {
    }

    /** The policy document, or empty when there is no canned policy of that name. */
    public Optional<String> cannedPolicy(String name) throws IOException {
        try {
            return Optional.of(text(call("GET", "info-canned-policy", Map.of("name", name), null)));
        } catch (MinioRefusal e) {
            if (e.code().equals("XMinioAdminNoSuchPolicy")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Creates or replaces a canned policy (sent as is: a policy holds no secret). */
    public void putCannedPolicy(String name, String policyJson) throws IOException {
        call("PUT", "add-canned-policy", Map.of("name", name), policyJson.getBytes(StandardCharsets.UTF_8));
    }

    /** The built-in user, or empty when there is none of that name. */
    public Optional<User> user(String name) throws IOException {
        JsonNode info;
        try {
            info = JSON.readTree(call("GET", "user-info", Map.of("accessKey", name), null));
        } catch (MinioRefusal e) {
            if (e.code().equals("XMinioAdminNoSuchUser")) {
                return Optional.empty();
            }
            throw e;
        }
        String policies = info.path("policyName").asText("");
        return Optional.of(new User("enabled".equals(info.path("status").asText()),
                policies.isEmpty() ? List.of() : Arrays.stream(policies.split(",")).map(String::strip).toList()));
    }

    /** Creates the user, or sets its secret key and status; attached policies stay. The body is encrypted. */
    public void putUser(String name, Secret userSecret, boolean enabled) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("secretKey", userSecret.reveal()).put("status", enabled ? "enabled" : "disabled");
        call("PUT", "add-user", Map.of("accessKey", name), MadminCrypto.encryptFast(minio.secretKey().reveal(), JSON.writeValueAsBytes(body)));
    }

    /** Deletes the user and its policy mapping. */
    public void removeUser(String name) throws IOException {
        call("DELETE", "remove-user", Map.of("accessKey", name), null);
    }

    /** Attaches policies to a user; attaching one it already has is an error on the server. */
    public void attach(String user, List<String> policies) throws IOException {
        association("attach", user, policies);
    }

    /** Detaches policies from a user. */
    public void detach(String user, List<String> policies) throws IOException {
        association("detach", user, policies);
    }

    /**
     * MinIO answers with the policies it changed, encrypted with Argon2id (64 MiB, a few tenths of a
     * second in a short-lived JVM). The answer is not read: the request was signed with the root
     * key, its body decrypted with it on the server, and the answer came over TLS to the site CA;
     * its content tells nothing the next read does not.
     */
    private void association(String operation, String user, List<String> policies) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("user", user);
        policies.forEach(body.putArray("policies")::add);
        call("POST", "idp/builtin/policy/" + operation, Map.of(), MadminCrypto.encryptFast(minio.secretKey().reveal(), JSON.writeValueAsBytes(body)));
    }

    private byte[] call(String method, String path, Map<String, String> query, byte[] body) throws IOException {
        HttpUrl.Builder url = minio.endpoint().newBuilder().encodedPath(PREFIX + path);
        query.forEach(url::addQueryParameter);
        byte[] content = body == null ? new byte[0] : body;
        Request.Builder request = new Request.Builder().method(method, body == null ? null : RequestBody.create(body, OCTETS));
        try (Response response = minio.send(request, url.build(), sha256(content))) {
            byte[] answer = SignedCalls.body(response);
            if (!response.isSuccessful()) {
                throw error(response.code(), answer);
            }
            return answer;
        }
    }

    /**
     * {@code request} for {@code url}, signed: the {@code Host}, {@code x-amz-date} and
     * {@code x-amz-content-sha256} headers set and signed with the rest of the request's headers
     * (the body's type and length, which okhttp adds later, are not signed, as in MinIO's clients).
     */
    static Request signed(Request.Builder request, HttpUrl url, String payloadSha256, ZonedDateTime now, String accessKey, Secret secretKey)
            throws IOException {
        String host = url.port() == HttpUrl.defaultPort(url.scheme()) ? Addresses.urlHost(url.host()) : Addresses.hostPort(url.host(), url.port());
        request.url(url).header("Host", host).header("x-amz-date", now.format(AMZ_DATE)).header("x-amz-content-sha256", payloadSha256);
        try {
            return Signer.signV4S3(request.build(), REGION, accessKey, secretKey.reveal(), payloadSha256);
        } catch (MinioException e) {
            throw new IOException("cannot sign the request: " + e.getMessage(), e);
        }
    }

    private static MinioRefusal error(int status, byte[] answer) {
        try {
            JsonNode error = JSON.readTree(answer);
            if (error != null && error.has("Code")) {
                return new MinioRefusal(status, error.path("Code").asText(), error.path("Message").asText(""));
            }
        } catch (IOException e) {
            // not MinIO's JSON error document: report the status alone
        }
        return new MinioRefusal(status, "HTTP" + status, "");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String sha256(byte[] content) {
        return io.oth.remote.Sha256.hex(content);
    }
}
