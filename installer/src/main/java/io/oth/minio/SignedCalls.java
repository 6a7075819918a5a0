package io.oth.minio;

import io.oth.secret.Secret;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** One MinIO as one key: requests signed with AWS Signature V4 ({@link MinioAdmin#signed}) and sent over oth's HTTP client. */
final class SignedCalls {
    /**
     * The most an answer may hold: MinIO's are a few kilobytes (a policy is at most 20 KiB), and they
     * come from the storage node, which may not be trusted to stop.
     */
    static final int MAX_BODY = 64 * 1024;

    private final OkHttpClient http;
    private final HttpUrl endpoint;
    private final String accessKey;
    private final Secret secretKey;

    /** {@code endpoint}: {@code https://host:port} of the server; signs as {@code accessKey}. */
    SignedCalls(OkHttpClient http, String endpoint, String accessKey, Secret secretKey) {
        this.http = http;
        this.endpoint = HttpUrl.get(endpoint);
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    HttpUrl endpoint() {
        return endpoint;
    }

    Secret secretKey() {
        return secretKey;
    }

    /** {@code request} for {@code url}, signed now over a payload of that sha256, and its answer (the caller closes it). */
    Response send(Request.Builder request, HttpUrl url, String payloadSha256) throws IOException {
        return http.newCall(MinioAdmin.signed(request, url, payloadSha256, ZonedDateTime.now(ZoneOffset.UTC), accessKey, secretKey)).execute();
    }

    /** The answer's body, refused beyond {@link #MAX_BODY} bytes. */
    static byte[] body(Response response) throws IOException {
        ResponseBody body = response.body();
        if (body == null) {
            return new byte[0];
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IOException("MinIO answered with more than " + MAX_BODY + " bytes");
            }
            return bytes;
        }
    }
}
