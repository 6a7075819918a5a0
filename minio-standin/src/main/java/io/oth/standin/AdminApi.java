package io.oth.standin;

import io.oth.madmin.MadminCrypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.auth.AwsSignature;
import org.gaul.s3proxy.auth.S3AuthorizationHeader;

/**
 * The part of MinIO's admin API ({@code /minio/admin/v3/...}) that oth uses, for the root user
 * only: canned policies (add, info), built-in users (add, info, remove) and policy attachment
 * ({@code idp/builtin/policy/attach|detach}). Requests must carry an AWS Signature V4 by the root
 * credentials, checked with S3Proxy's own signature code, and a payload hash that matches the
 * body; bodies that carry secrets are madmin-encrypted with the root secret, as MinIO wants them.
 * Errors are MinIO's JSON error documents with MinIO's codes. Anything else answers
 * {@code XMinioAdminNotImplemented}.
 */
final class AdminApi extends HttpServlet {
    static final String PATH = "/minio/admin/v3/";
    private static final int MAX_BODY = 1 << 20;
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String rootUser;
    private final String rootPassword;
    private final Iam iam;

    AdminApi(String rootUser, String rootPassword, Iam iam) {
        this.rootUser = rootUser;
        this.rootPassword = rootPassword;
        this.iam = iam;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String call = request.getRequestURI().substring(PATH.length());
        try {
            byte[] body = readBody(request);
            authenticate(request, body);
            answer(response, 200, handle(request.getMethod() + " " + call, request, body));
        } catch (Iam.Refused e) {
            answer(response, e.status(), error(e.code(), e.getMessage(), request.getRequestURI()));
        }
    }

    private byte[] handle(String call, HttpServletRequest request, byte[] body) throws Iam.Refused, IOException {
        switch (call) {
            case "PUT add-canned-policy" -> {
                JsonNode policy;
                try {
                    policy = JSON.readTree(body);
                } catch (IOException e) {
                    throw new Iam.Refused(400, "XMinioMalformedJSON", "The policy is not valid JSON");
                }
                iam.putPolicy(required(request, "name"), policy);
                return new byte[0];
            }
            case "GET info-canned-policy" -> {
                JsonNode policy = iam.policy(required(request, "name"))
                        .orElseThrow(() -> new Iam.Refused(404, "XMinioAdminNoSuchPolicy", "The canned policy does not exist."));
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(policy);
            }
            case "PUT add-user" -> {
                JsonNode user = JSON.readTree(decrypt(body));
                iam.putUser(required(request, "accessKey"), user.path("secretKey").asText(null), user.path("status").asText(""));
                return new byte[0];
            }
            case "GET user-info" -> {
                ObjectNode info = iam.userInfo(required(request, "accessKey"))
                        .orElseThrow(() -> new Iam.Refused(404, "XMinioAdminNoSuchUser", "The specified user does not exist."));
                return JSON.writeValueAsBytes(info);
            }
            case "DELETE remove-user" -> {
                iam.removeUser(required(request, "accessKey"));
                return new byte[0];
            }
            case "POST idp/builtin/policy/attach", "POST idp/builtin/policy/detach" -> {
                if (!"application/octet-stream".equals(request.getContentType())) {
                    throw new Iam.Refused(400, "BadRequest", "the body must be sent as application/octet-stream");
                }
                boolean attach = call.endsWith("attach");
                JsonNode association = JSON.readTree(decrypt(body));
                List<String> policies = new ArrayList<>();
                association.path("policies").forEach(p -> policies.add(p.asText()));
                String user = association.path("user").asText("");
                if (policies.isEmpty() || user.isEmpty() || association.has("group")) {
                    throw new Iam.Refused(400, "XMinioAdminInvalidArgument", "name policies and one user (the stand-in has no groups)");
                }
                List<String> changed = iam.associate(attach, user, policies);
                ObjectNode result = JSON.createObjectNode().put("updatedAt", Instant.now().toString());
                changed.forEach(result.putArray(attach ? "policiesAttached" : "policiesDetached")::add);
                return MadminCrypto.encrypt(rootPassword, JSON.writeValueAsBytes(result));
            }
            default -> throw new Iam.Refused(501, "XMinioAdminNotImplemented", call + ": not part of the MinIO stand-in's admin API");
        }
    }

    /** Root only, signed with V4 over this very request and body; MinIO's error codes for each way it can fail. */
    private void authenticate(HttpServletRequest request, byte[] body) throws Iam.Refused {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            throw new Iam.Refused(403, "AccessDenied", "Access Denied.");
        }
        S3AuthorizationHeader header;
        try {
            header = new S3AuthorizationHeader(authorization);
        } catch (IllegalArgumentException e) {
            throw new Iam.Refused(400, "AuthorizationHeaderMalformed", "The authorization header is malformed.");
        }
        if (!rootUser.equals(header.getIdentity())) {
            throw new Iam.Refused(403, "InvalidAccessKeyId", "The stand-in's admin API takes the root user only.");
        }
        if (!"s3".equals(header.getService())) {
            throw new Iam.Refused(400, "AuthorizationHeaderMalformed", "The service must be s3.");
        }
        try {
            Instant signedAt = LocalDateTime.parse(String.valueOf(request.getHeader("x-amz-date")), AMZ_DATE).toInstant(ZoneOffset.UTC);
            if (Duration.between(signedAt, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
                throw new Iam.Refused(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");
            }
        } catch (DateTimeParseException e) {
            throw new Iam.Refused(403, "AccessDenied", "x-amz-date is missing or malformed.");
        }
        String payloadHash = HexFormat.of().formatHex(sha256(body));
        if (!payloadHash.equals(request.getHeader("x-amz-content-sha256"))) {
            throw new Iam.Refused(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        String expected;
        try {
            expected = AwsSignature.createAuthorizationSignatureV4(request, header, body, request.getRequestURI(), rootPassword, false, null,
                    payloadHash).signature();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new Iam.Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), String.valueOf(header.getSignature()).getBytes(StandardCharsets.US_ASCII))) {
            throw new Iam.Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
    }

    private byte[] decrypt(byte[] body) throws Iam.Refused {
        try {
            return MadminCrypto.decrypt(rootPassword, body);
        } catch (GeneralSecurityException e) {
            // MinIO answers a body it cannot decrypt (or changed data) as bad JSON configuration.
            throw new Iam.Refused(400, "XMinioAdminConfigBadJSON", "JSON configuration provided is of incorrect format");
        }
    }

    private static String required(HttpServletRequest request, String name) throws Iam.Refused {
        return Optional.ofNullable(request.getParameter(name)).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new Iam.Refused(400, "XMinioAdminInvalidArgument", "the query parameter " + name + " is missing"));
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException, Iam.Refused {
        if (request.getContentLengthLong() > MAX_BODY) {
            throw new Iam.Refused(400, "XMinioAdminConfigTooLarge", "the body is too large");
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new Iam.Refused(400, "XMinioAdminConfigTooLarge", "the body is too large");
            }
            return body;
        }
    }

    private static byte[] error(String code, String message, String resource) throws IOException {
        return JSON.writeValueAsBytes(JSON.createObjectNode().put("Code", code).put("Message", message).put("Resource", resource)
                .put("RequestId", "").put("HostId", ""));
    }

    private static void answer(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        if (body.length > 0) {
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
