package io.oth.sample;

import java.net.URI;
import java.util.Optional;

/**
 * The {@code objects.*} keys: an S3 API (MinIO). Without {@code caFile} an https endpoint is checked
 * against the JVM's default trust store.
 */
public record ObjectStoreSettings(URI endpoint, String region, String bucket, String accessKey, Secret secretKey,
        Optional<CaFile> caFile) {
    static final String DEFAULT_REGION = "us-east-1";
}
