package io.oth.standin;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.ListAllMyBucketsResult;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The S3 calls the stand-in's tests make with the MinIO client, text in and text out. */
final class S3Calls {
    private S3Calls() {
    }

    static void put(MinioClient client, String bucket, String key, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(bytes, bytes.length).build());
    }

    static String get(MinioClient client, String bucket, String key) throws Exception {
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return new String(response.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<String> bucketNames(MinioClient client) throws Exception {
        return client.listBuckets().stream().map(ListAllMyBucketsResult.Bucket::name).sorted().toList();
    }

    /** The S3 error code {@code call} fails with. */
    static String errorCode(Executable call) {
        return assertThrows(ErrorResponseException.class, call).errorResponse().code();
    }
}
