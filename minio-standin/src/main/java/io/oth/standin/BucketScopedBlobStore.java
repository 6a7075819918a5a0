package io.oth.standin;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketAclRequest;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A view of the data directory's blob store in which only some buckets exist for the caller:
 * every call naming another bucket fails with S3's {@code AccessDenied}, and the bucket listing
 * shows only the permitted ones. S3Proxy picks the view per request through {@link AccessKeys}.
 *
 * <p>Every method of {@link ForwardingBlobStore} that names a bucket is overridden here (a test
 * holds that true). The interface's default methods that are not forwarded, such as
 * {@code removeBlob(String, String)} or {@code copyMultipartPart}, call these on this view.
 */
final class BucketScopedBlobStore extends ForwardingBlobStore {
    private final Predicate<String> permitted;

    private BucketScopedBlobStore(BlobStore data, Predicate<String> permitted) {
        super(data);
        this.permitted = permitted;
    }

    /** The root user's view: every bucket, but not the stand-in's own files such as {@code .standin-iam.json}. */
    static BucketScopedBlobStore everyBucket(BlobStore data) {
        return new BucketScopedBlobStore(data, bucket -> !bucket.startsWith("."));
    }

    /** A user's view: the buckets its policies name. */
    static BucketScopedBlobStore buckets(BlobStore data, Set<String> buckets) {
        return new BucketScopedBlobStore(data, buckets::contains);
    }

    private String check(String bucket) {
        if (bucket == null || !permitted.test(bucket)) {
            throw new S3ProxyException(S3ErrorCode.ACCESS_DENIED);
        }
        return bucket;
    }

    /** The data directory's store outlives every view of it. */
    @Override
    public void close() {
    }

    @Override
    public ListBucketsResponse list() {
        ListBucketsResponse all = delegate().list();
        return all.toBuilder()
                .buckets(all.buckets().stream().filter(bucket -> permitted.test(bucket.name())).toList())
                .build();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        check(request.bucket());
        return delegate().list(request);
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        check(request.bucket());
        return delegate().headBucket(request);
    }

    @Override
    public CreateBucketResponse createContainer(CreateBucketRequest request) {
        check(request.bucket());
        return delegate().createContainer(request);
    }

    @Override
    public BucketCannedACL getContainerAccess(String container) {
        return delegate().getContainerAccess(check(container));
    }

    @Override
    public GetBucketAclResponse getContainerAcl(GetBucketAclRequest request) {
        check(request.bucket());
        return delegate().getContainerAcl(request);
    }

    @Override
    public void setContainerAccess(String container, BucketCannedACL access) {
        delegate().setContainerAccess(check(container), access);
    }

    @Override
    public void clearContainer(ListObjectsV2Request request) {
        check(request.bucket());
        delegate().clearContainer(request);
    }

    @Override
    public void deleteContainer(String container) {
        delegate().deleteContainer(check(container));
    }

    @Override
    public void deleteBucket(String container) {
        delegate().deleteBucket(check(container));
    }

    @Override
    public boolean blobExists(String container, String name) {
        return delegate().blobExists(check(container), name);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        check(request.bucket());
        return delegate().putBlob(request, payload);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        check(request.sourceBucket());
        check(request.destinationBucket());
        return delegate().copyBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        check(request.bucket());
        return delegate().blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        check(request.bucket());
        return delegate().getBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        check(request.bucket());
        return delegate().removeBlob(request);
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        check(request.bucket());
        return delegate().removeBlobs(request);
    }

    @Override
    public GetBucketVersioningResponse getBucketVersioning(GetBucketVersioningRequest request) {
        check(request.bucket());
        return delegate().getBucketVersioning(request);
    }

    @Override
    public PutBucketVersioningResponse putBucketVersioning(PutBucketVersioningRequest request) {
        check(request.bucket());
        return delegate().putBucketVersioning(request);
    }

    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        check(request.bucket());
        return delegate().listVersions(request);
    }

    @Override
    public GetBucketEncryptionResponse getBucketEncryption(GetBucketEncryptionRequest request) {
        check(request.bucket());
        return delegate().getBucketEncryption(request);
    }

    @Override
    public PutBucketEncryptionResponse putBucketEncryption(PutBucketEncryptionRequest request) {
        check(request.bucket());
        return delegate().putBucketEncryption(request);
    }

    @Override
    public DeleteBucketEncryptionResponse deleteBucketEncryption(DeleteBucketEncryptionRequest request) {
        check(request.bucket());
        return delegate().deleteBucketEncryption(request);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        return delegate().getBlobAccess(check(container), name);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        return delegate().getBlobAccess(check(container), name, versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        check(request.bucket());
        return delegate().getBlobAcl(request);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access) {
        delegate().setBlobAccess(check(container), name, access);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access, String versionId) {
        delegate().setBlobAccess(check(container), name, access, versionId);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        check(request.bucket());
        return delegate().initiateMultipartUpload(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        check(upload.containerName());
        delegate().abortMultipartUpload(upload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        check(upload.containerName());
        check(request.bucket());
        return delegate().completeMultipartUpload(upload, request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
            InputStream payload) {
        check(upload.containerName());
        check(request.bucket());
        return delegate().uploadMultipartPart(upload, request, payload);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        check(upload.containerName());
        return delegate().listMultipartUpload(upload);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        return delegate().listMultipartUploads(check(container));
    }
}
