package io.oth.minio;

import java.io.IOException;

/**
 * An answer of MinIO's other than success, from its admin API or its S3 API: the HTTP status and
 * MinIO's error code ({@code XMinioAdminNoSuchUser}, {@code NoSuchBucket}, ...), or
 * {@code HTTP<status>} when it gave none.
 */
public final class MinioRefusal extends IOException {
    private final int status;
    private final String code;

    public MinioRefusal(int status, String code, String message) {
        super("MinIO answered " + status + " " + code + (message.isEmpty() ? "" : ": " + message));
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
