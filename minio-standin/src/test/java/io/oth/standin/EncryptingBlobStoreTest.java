package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The encrypting layer over S3Proxy's file system store, with objects that go away under a listing. */
class EncryptingBlobStoreTest {
    private static final String KMS = "oth-minio-key:" + Base64.getEncoder().encodeToString(new byte[KmsKey.KEY_BYTES]);

    @TempDir
    Path dir;

    /** The store as it is on disk, whose listing is followed at once by the removal of what it listed (a health check's probe). */
    private static final class RemovedAfterListing extends ForwardingBlobStore {
        RemovedAfterListing(BlobStore data) {
            super(data);
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            ListObjectsV2Response listed = super.list(request);
            listed.contents().forEach(object -> removeBlob(DeleteObjectRequest.builder().bucket(request.bucket()).key(object.key()).build()));
            return listed;
        }
    }

    @Test
    void anEncryptedObjectRemovedWhileTheBucketIsListedIsListedAndItsGetSaysItIsGone() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        DefaultEncryption defaults = DefaultEncryption.open(data);
        EncryptingBlobStore store = new EncryptingBlobStore(new RemovedAfterListing(new FilesystemNio2BlobStore(data.toString())),
                Optional.of(KmsKey.parse(KMS)), defaults);
        store.createContainer("oth");
        defaults.set("oth", true);
        byte[] probe = "healthz healthz/app1-0123".getBytes(StandardCharsets.UTF_8);
        store.putBlob(PutObjectRequest.builder().bucket("oth").key("healthz/app1-0123").contentLength((long) probe.length).build(),
                new ByteArrayInputStream(probe));

        List<S3Object> listed = store.list(ListObjectsV2Request.builder().bucket("oth").maxKeys(1).build()).contents();

        assertEquals(List.of("healthz/app1-0123"), listed.stream().map(S3Object::key).toList());
        assertThrows(NoSuchKeyException.class, () -> store.getBlob(GetObjectRequest.builder().bucket("oth").key("healthz/app1-0123").build()));
    }
}
