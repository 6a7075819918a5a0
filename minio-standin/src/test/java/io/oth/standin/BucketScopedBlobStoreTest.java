package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

class BucketScopedBlobStoreTest {
    /** ForwardingBlobStore's methods that name no bucket, so need no check. */
    private static final Set<String> BUCKETLESS = Set.of("delegate", "supportsVersioning",
            "supportsServerSideEncryption", "supportsBucketEncryption", "getMinimumMultipartPartSize");

    @Test
    void everyForwardedMethodThatNamesABucketIsChecked() {
        List<String> unchecked = new ArrayList<>();
        for (Method method : ForwardingBlobStore.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic()
                    || BUCKETLESS.contains(method.getName())) {
                continue;
            }
            try {
                BucketScopedBlobStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                unchecked.add(method.toString());
            }
        }
        assertEquals(List.of(), unchecked, "forwarded to the data directory without a bucket check");
    }

    @Test
    void aOneBucketViewSeesAndTouchesOnlyItsBucket() {
        BlobStore data = new TransientNio2BlobStore();
        data.createContainer("mine");
        data.createContainer("theirs");
        BlobStore view = BucketScopedBlobStore.buckets(data, java.util.Set.of("mine"));

        put(view, "mine", "k");
        assertTrue(view.blobExists("mine", "k"));
        assertEquals(List.of("mine"), view.list().buckets().stream().map(Bucket::name).toList());

        assertAccessDenied(() -> put(view, "theirs", "k"));
        assertAccessDenied(() -> view.getBlob("theirs", "k"));
        // interface defaults reach the checks through the view
        assertAccessDenied(() -> view.removeBlob("theirs", "k"));
        assertAccessDenied(() -> view.containerExists("theirs"));
        assertAccessDenied(() -> view.createContainer("new-one"));
    }

    @Test
    void theRootViewHidesTheStandInsOwnFiles() {
        BlobStore data = new TransientNio2BlobStore();
        data.createContainer("oth-files");
        data.createContainer(".standin-iam.json");

        assertEquals(List.of("oth-files"),
                BucketScopedBlobStore.everyBucket(data).list().buckets().stream().map(Bucket::name).toList());
    }

    private static void put(BlobStore store, String bucket, String key) {
        store.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength(1L).build(),
                new ByteArrayInputStream(new byte[] {1}));
    }

    private static void assertAccessDenied(Executable call) {
        assertEquals(S3ErrorCode.ACCESS_DENIED, assertThrows(S3ProxyException.class, call).getError());
    }
}
