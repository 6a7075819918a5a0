package io.oth.minio;

import io.oth.secret.Secret;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The signature oth puts on admin requests, checked against AWS's published Signature V4 examples
 * for S3 ("Signature Calculations for the Authorization Header: Transferring Payload in a Single
 * Chunk", examples GET Object and GET Bucket with a query): same keys, date and requests.
 */
class MinioAdminSigningTest {
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final Secret SECRET_KEY = Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    private static final ZonedDateTime WHEN = ZonedDateTime.of(2013, 5, 24, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String EMPTY = MinioAdmin.sha256(new byte[0]);

    @Test
    void awsGetObjectExample() throws Exception {
        Request signed = MinioAdmin.signed(new Request.Builder().get().header("Range", "bytes=0-9"),
                HttpUrl.get("https://examplebucket.s3.amazonaws.com/test.txt"), EMPTY, WHEN, ACCESS_KEY, SECRET_KEY);
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", signed.header("Authorization"));
    }

    @Test
    void awsListObjectsExampleWithAQuery() throws Exception {
        Request signed = MinioAdmin.signed(new Request.Builder().get(),
                HttpUrl.get("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"), EMPTY, WHEN, ACCESS_KEY, SECRET_KEY);
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", signed.header("Authorization"));
    }

    @Test
    void aNonDefaultPortIsPartOfTheSignedHost() throws Exception {
        Request signed = MinioAdmin.signed(new Request.Builder().get(), HttpUrl.get("https://127.0.0.1:40123/minio/admin/v3/user-info?accessKey=oth-app"),
                EMPTY, WHEN, ACCESS_KEY, SECRET_KEY);
        assertEquals("127.0.0.1:40123", signed.header("Host"));
    }
}
