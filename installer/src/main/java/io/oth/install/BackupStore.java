package io.oth.install;

import io.oth.secret.Secret;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Storage;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where the storage node copies its backups off the backup directory: the site's object store,
 * the bucket under {@link #PREFIX}, through {@code curl --aws-sigv4} with the settings of
 * {@link #curlConfig()} (a 0600 file that {@code curl -K} reads: the credentials never reach a
 * command line). The site's own MinIO gets a key of its own for this ({@link AppAccounts#OBJECTS_BACKUP_KEY},
 * {@link #ACTIONS} only); an external S3 store, for which oth is given the application's key only, that key.
 *
 * @param bucketUrl path-style URL of the bucket: {@code https://host:port/bucket}
 * @param caFile    the file on the storage node that the store's certificate must chain to; empty: the system's CAs
 */
public record BackupStore(String bucketUrl, String region, String accessKey, Secret secretKey, Optional<String> caFile) {
    /** What an encrypted backup's file name ends with, after its id, on the node, in the bucket and on the operator's side. */
    public static final String SUFFIX = ".sql.gz.age";
    /** The backups' place in the bucket. */
    public static final String PREFIX = "backups/";
    /** What the storage node's backup key may do in the bucket: copy, list, fetch and expire backups. */
    public static final List<String> ACTIONS = List.of("s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject");
    private static final Pattern ACCESS_KEY = Pattern.compile("[A-Za-z0-9._@+=,-]{3,128}");

    public BackupStore {
        if (!ACCESS_KEY.matcher(accessKey).matches()) {
            throw new IllegalArgumentException("the object store's access key is not one curl's config can carry (letters, digits, ._@+=,-)");
        }
        if (secretKey.reveal().isEmpty() || secretKey.reveal().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the object store's secret key is empty or holds a control character");
        }
    }

    /** The store for {@code site}: its own MinIO on {@code storage} (port {@code minioPort}), or its external S3 endpoint. */
    public static BackupStore of(Storage.ObjectStore objects, Node storage, int minioPort, Supplier<Secret> localSecret, Supplier<Secret> externalSecret) {
        if (objects.isLocal()) {
            return new BackupStore("https://" + Addresses.hostPort(storage.address(), minioPort) + "/" + AppAccounts.OBJECTS_BUCKET, "us-east-1",
                    AppAccounts.OBJECTS_BACKUP_KEY, localSecret.get(), Optional.of(NodeLayout.MINIO_CERTS + "CAs/ca.pem"));
        }
        Storage.S3 s3 = objects.external().orElseThrow();
        String endpoint = s3.endpoint().endsWith("/") ? s3.endpoint().substring(0, s3.endpoint().length() - 1) : s3.endpoint();
        return new BackupStore(endpoint + "/" + s3.bucket(), s3.region(), s3.accessKey(), externalSecret.get(), Optional.empty());
    }

    /**
     * curl's settings for the store ({@code curl -K FILE}): the key, SigV4 for S3 in the region,
     * an unsigned payload (curl 7.88 does not hash a body for S3; TLS protects it), and the CA.
     */
    public Secret curlConfig() {
        StringBuilder config = new StringBuilder("# Managed by oth: the backup script's key for the object store. Keep 0600.\n")
                .append("user = \"").append(quoted(accessKey + ":" + secretKey.reveal())).append("\"\n")
                .append("aws-sigv4 = \"aws:amz:").append(region).append(":s3\"\n")
                .append("header = \"x-amz-content-sha256: UNSIGNED-PAYLOAD\"\n")
                .append("proto = \"=https,http\"\n");
        caFile.ifPresent(ca -> config.append("cacert = \"").append(quoted(ca)).append("\"\n"));
        return Secret.of(config.toString());
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
