package io.oth.minio;

import io.oth.secret.Secret;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three S3 reads doctor and a re-run of install make of a bucket (whether it exists, its default
 * encryption, and whether a key may list it), as signed requests over oth's own HTTP client. MinIO's
 * Java client does the same requests, but making one costs a fresh JVM about a fifth of a CPU
 * second (its JSON and XML mappers), every doctor and every no-op install; the client stays for
 * what changes a bucket. Answers come from the storage node, so they are read as hostile: at most
 * {@value SignedCalls#MAX_BODY} bytes, never interpreted as XML (no parser, no entities): only the one element
 * asked for ({@code Code}, {@code SSEAlgorithm}) is taken, and only when its text is a plain word.
 */
public final class S3Reads {
    /** A plain word, as S3's error codes and algorithm names are. */
    private static final String WORD = "[A-Za-z0-9:._-]{1,128}";
    private static final String EMPTY_SHA256 = MinioAdmin.sha256(new byte[0]);

    private final SignedCalls minio;

    /** {@code endpoint}: {@code https://host:port} of the server; signs as {@code accessKey}. */
    public S3Reads(OkHttpClient http, String endpoint, String accessKey, Secret secretKey) {
        this.minio = new SignedCalls(http, endpoint, accessKey, secretKey);
    }

    /** Whether {@code bucket} exists (HEAD bucket: 404 says no); any other refusal is an {@link MinioRefusal}. */
    public boolean bucketExists(String bucket) throws IOException {
        try (Response response = call("HEAD", bucket)) {
            if (response.code() == 404) {
                return false;
            }
            if (!response.isSuccessful()) {
                throw new MinioRefusal(response.code(), response.code() == 403 ? "AccessDenied" : "HTTP" + response.code(), "");
            }
            return true;
        }
    }

    /**
     * The algorithm of the bucket's default encryption ({@code AES256} for SSE-S3, {@code aws:kms}),
     * or nothing when it has none.
     */
    public Optional<String> defaultEncryption(String bucket) throws IOException {
        try (Response response = call("GET", bucket, "encryption", "")) {
            byte[] body = SignedCalls.body(response);
            if (!response.isSuccessful()) {
                MinioRefusal error = error(response.code(), body);
                if (error.code().equals("ServerSideEncryptionConfigurationNotFoundError")) {
                    return Optional.empty();
                }
                throw error;
            }
            return element(body, "SSEAlgorithm");
        }
    }

    /** Lists at most one object of {@code bucket} with this key: returns when S3 takes the request, else an {@link MinioRefusal}. */
    public void listOne(String bucket) throws IOException {
        try (Response response = call("GET", bucket, "list-type", "2", "max-keys", "1")) {
            byte[] body = SignedCalls.body(response);
            if (!response.isSuccessful()) {
                throw error(response.code(), body);
            }
        }
    }

    /** {@code method} on {@code bucket} with these query parameters, as name, value, name, value... in that order. */
    private Response call(String method, String bucket, String... query) throws IOException {
        HttpUrl.Builder url = minio.endpoint().newBuilder().addPathSegment(bucket);
        for (int i = 0; i < query.length; i += 2) {
            url.addQueryParameter(query[i], query[i + 1]);
        }
        return minio.send(new Request.Builder().method(method, null), url.build(), EMPTY_SHA256);
    }

    /** S3's error document ({@code <Error><Code>...}): its code when it is a plain word, else the status alone. */
    static MinioRefusal error(int status, byte[] body) {
        return new MinioRefusal(status, element(body, "Code").orElse("HTTP" + status), "");
    }

    /** The text of the first element {@code <name>} of an answer, when it is a plain word ({@link #WORD}). */
    static Optional<String> element(byte[] body, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*(" + WORD + ")\\s*</" + name + ">").matcher(new String(body, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
