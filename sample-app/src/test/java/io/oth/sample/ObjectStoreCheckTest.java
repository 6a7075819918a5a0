package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.sample.HealthCheck.Result;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against an in-process S3Proxy (in-memory blob store, plain HTTP, AWS signatures checked). */
class ObjectStoreCheckTest {

    private static final String ACCESS_KEY = "oth-app";
    private static final String SECRET_KEY = "s3-secret-3";
    private static final String BUCKET = "oth-data";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private static BlobStore store;
    private static S3Proxy proxy;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        store = new TransientNio2BlobStore();
        store.createContainer(BUCKET);
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        proxy.stop();
    }

    private static ObjectStoreSettings settings(int port, String bucket, String secret) {
        return new ObjectStoreSettings(URI.create("http://127.0.0.1:" + port), "us-east-1", bucket, ACCESS_KEY,
                new Secret(secret), Optional.empty());
    }

    @Test
    void putsGetsAndDeletesAProbeObject() throws Exception {
        Result result = new ObjectStoreCheck(settings(proxy.getPort(), BUCKET, SECRET_KEY), "app-1", TIMEOUT).run(false);
        assertEquals(Result.pass(), result);
        assertTrue(store.list(BUCKET).contents().isEmpty(), "the probe object is left: " + store.list(BUCKET));
    }

    @Test
    void aWrongSecretFailsWithoutShowingIt() throws Exception {
        String wrong = "wrong-secret-9";
        Result result = new ObjectStoreCheck(settings(proxy.getPort(), BUCKET, wrong), "app-1", TIMEOUT).run(false);
        assertFalse(result.ok());
        assertTrue(result.reason().startsWith("put oth-data/healthz/app-1-"), result.reason());
        assertTrue(result.reason().contains("SignatureDoesNotMatch"), result.reason());
        assertFalse(result.reason().contains(wrong) || result.reason().contains(SECRET_KEY), result.reason());
    }

    @Test
    void aMissingBucketIsNamed() throws Exception {
        Result result = new ObjectStoreCheck(settings(proxy.getPort(), "no-such-bucket", SECRET_KEY), "app-1",
                TIMEOUT).run(false);
        assertFalse(result.ok());
        assertTrue(result.reason().contains("NoSuchBucket"), result.reason());
    }

    @Test
    void aClosedPortFailsAtOnceWithConnectionRefused() throws Exception {
        int port = DownServices.closedPort();
        long start = System.nanoTime();
        Result result = new ObjectStoreCheck(settings(port, BUCKET, SECRET_KEY), "app-1", TIMEOUT).run(false);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertFalse(result.ok());
        assertTrue(result.reason().endsWith(": connection refused"), result.reason());
        assertTrue(millis < TIMEOUT.toMillis(), "took " + millis + " ms");
    }
}
