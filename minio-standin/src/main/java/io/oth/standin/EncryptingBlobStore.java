package io.oth.standin;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-S3 as MinIO does it with a static KMS key: a bucket's default encryption
 * (Put/Get/DeleteBucketEncryption), and objects written with {@code x-amz-server-side-encryption:
 * AES256} or into a bucket whose default is SSE-S3 kept encrypted on disk ({@link ObjectCipher})
 * and decrypted when read, answered with {@code x-amz-server-side-encryption: AES256}. Without a
 * KMS key every request to encrypt is refused as MinIO refuses it.
 *
 * <p>Whether an object is encrypted is told by its stored bytes: a segment header that opens with
 * the KMS key for that very object. Objects written before the bucket's default was set stay as
 * they were (as in MinIO) and are read as they are.
 */
final class EncryptingBlobStore extends ForwardingBlobStore {
    /** MinIO's answer (ErrKMSNotConfigured) when asked to encrypt without a KMS. */
    static final String KMS_NOT_CONFIGURED = "Server side encryption specified but KMS is not configured";

    /**
     * How S3Proxy's file system store names the parts of a multipart upload while it is under way:
     * its own bookkeeping, read as stored (each part is a segment bound to the object it will join).
     */
    private static final String PART_PREFIX = ".mpus-";

    private final Optional<ObjectCipher> cipher;
    private final DefaultEncryption defaults;
    /** Multipart uploads begun encrypted, by upload id (a restart forgets them: then the bucket's default decides). */
    private final Map<String, Boolean> uploads = new ConcurrentHashMap<>();

    EncryptingBlobStore(BlobStore data, Optional<KmsKey> kms, DefaultEncryption defaults) {
        super(data);
        this.cipher = kms.map(ObjectCipher::new);
        this.defaults = defaults;
    }

    @Override
    public boolean supportsBucketEncryption() {
        return true;
    }

    @Override
    public boolean supportsServerSideEncryption() {
        return true;
    }

    /** Copying a part byte for byte would copy ciphertext bound to another object: the frontend reads and writes instead. */
    @Override
    public boolean supportsCopyMultipartPart() {
        return false;
    }

    @Override
    public GetBucketEncryptionResponse getBucketEncryption(GetBucketEncryptionRequest request) {
        String bucket = existing(request.bucket());
        if (!defaults.encrypts(bucket)) {
            throw S3Exceptions.serverSideEncryptionConfigurationNotFound(bucket);
        }
        return GetBucketEncryptionResponse.builder().serverSideEncryptionConfiguration(sseS3()).build();
    }

    @Override
    public PutBucketEncryptionResponse putBucketEncryption(PutBucketEncryptionRequest request) {
        String bucket = existing(request.bucket());
        for (ServerSideEncryptionRule rule : request.serverSideEncryptionConfiguration().rules()) {
            ServerSideEncryptionByDefault byDefault = rule.applyServerSideEncryptionByDefault();
            if (byDefault == null || byDefault.sseAlgorithm() != ServerSideEncryption.AES256) {
                throw new S3ProxyException(S3ErrorCode.NOT_IMPLEMENTED, "the MinIO stand-in encrypts with SSE-S3 (AES256) only");
            }
        }
        requireKms();
        defaults.set(bucket, true);
        return PutBucketEncryptionResponse.builder().build();
    }

    @Override
    public DeleteBucketEncryptionResponse deleteBucketEncryption(DeleteBucketEncryptionRequest request) {
        defaults.set(existing(request.bucket()), false);
        return DeleteBucketEncryptionResponse.builder().build();
    }

    @Override
    public void deleteBucket(String container) {
        super.deleteBucket(container);
        defaults.set(container, false);
    }

    @Override
    public void deleteContainer(String container) {
        super.deleteContainer(container);
        defaults.set(container, false);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        boolean encrypt = encrypts(request.bucket(), request.serverSideEncryptionAsString(), request.sseCustomerAlgorithm());
        PutObjectRequest.Builder stored = request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                .ssekmsEncryptionContext(null).bucketKeyEnabled(null);
        if (!encrypt) {
            return super.putBlob(stored.build(), payload);
        }
        long length = request.contentLength();
        InputStream plaintext = checkingMd5(payload, request.contentMD5());
        PutObjectResponse response = super.putBlob(stored.contentLength(ObjectCipher.Segment.storedLength(length)).contentMD5(null).build(),
                cipher.orElseThrow().encrypt(plaintext, length, request.bucket(), request.key()));
        return response.toBuilder().serverSideEncryption(ServerSideEncryption.AES256).build();
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        ResponseInputStream<GetObjectResponse> stored = super.getBlob(request.toBuilder().range(null).build());
        if (stored == null) {
            return null;
        }
        byte[] header;
        try {
            header = stored.readNBytes(ObjectCipher.HEADER_BYTES);
        } catch (IOException e) {
            closeQuietly(stored);
            throw new UncheckedIOException(e);
        }
        Optional<ObjectCipher.Segment> first = segment(header, request.bucket(), request.key());
        if (first.isEmpty()) {
            if (request.range() != null) {
                closeQuietly(stored);
                return super.getBlob(request);
            }
            return new ResponseInputStream<>(stored.response(), new SequenceInputStream(new ByteArrayInputStream(header), stored));
        }
        long total = plaintextLength(request.bucket(), request.key(), request.versionId(), stored.response().contentLength(), first.get());
        InputStream plaintext = cipher.orElseThrow().decrypt(new SequenceInputStream(new ByteArrayInputStream(header), stored),
                request.bucket(), request.key());
        GetObjectResponse.Builder response = stored.response().toBuilder().serverSideEncryption(ServerSideEncryption.AES256)
                .contentLength(total);
        if (request.range() != null) {
            long[] range = range(request.range(), total);
            try {
                plaintext.skipNBytes(range[0]);
            } catch (IOException e) {
                closeQuietly(plaintext);
                throw new UncheckedIOException(e);
            }
            plaintext = new Limited(plaintext, range[1] - range[0] + 1);
            response.contentLength(range[1] - range[0] + 1).contentRange("bytes " + range[0] + "-" + range[1] + "/" + total);
        }
        return new ResponseInputStream<>(response.build(), plaintext);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        HeadObjectResponse stored = super.blobMetadata(request);
        if (stored == null || stored.contentLength() == null) {
            return stored;
        }
        return plaintextLength(request.bucket(), request.key(), request.versionId(), stored.contentLength())
                .map(length -> stored.toBuilder().contentLength(length).serverSideEncryption(ServerSideEncryption.AES256).build())
                .orElse(stored);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response stored = super.list(request);
        if (!stored.hasContents()) {
            return stored;
        }
        return stored.toBuilder().contents(stored.contents().stream().map(object -> listed(request.bucket(), object)).toList()).build();
    }

    /**
     * The object's plaintext size; one that cannot be decrypted is listed with its stored size (its
     * GET fails). So is one removed since the store listed it (an application's health check writes
     * and removes its probe objects all the time): the listing still answers, as MinIO's does, and
     * the object's GET says it is gone. S3Proxy's file system store says so with the SDK's
     * {@link NoSuchKeyException}, not an {@link S3ProxyException}; left to escape, it failed the whole
     * listing with {@code NoSuchKey}.
     */
    private S3Object listed(String bucket, S3Object object) {
        if (object.size() == null) {
            return object;
        }
        try {
            return plaintextLength(bucket, object.key(), null, object.size()).map(length -> object.toBuilder().size(length).build())
                    .orElse(object);
        } catch (S3ProxyException | NoSuchKeyException e) {
            return object;
        }
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        boolean encrypt = encrypts(request.destinationBucket(), request.serverSideEncryptionAsString(), request.sseCustomerAlgorithm());
        HeadObjectResponse source = blobMetadata(HeadObjectRequest.builder().bucket(request.sourceBucket()).key(request.sourceKey())
                .versionId(request.sourceVersionId()).build());
        boolean sourceEncrypted = source != null && source.serverSideEncryption() == ServerSideEncryption.AES256;
        if (!encrypt && !sourceEncrypted) {
            return super.copyBlob(request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                    .ssekmsEncryptionContext(null).bucketKeyEnabled(null).build());
        }
        // Ciphertext is bound to its object: read the plaintext and write it anew.
        ResponseInputStream<GetObjectResponse> body = getBlob(GetObjectRequest.builder().bucket(request.sourceBucket())
                .key(request.sourceKey()).versionId(request.sourceVersionId()).ifMatch(request.copySourceIfMatch())
                .ifNoneMatch(request.copySourceIfNoneMatch()).ifModifiedSince(request.copySourceIfModifiedSince())
                .ifUnmodifiedSince(request.copySourceIfUnmodifiedSince()).build());
        if (body == null) {
            throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
        }
        GetObjectResponse from = body.response();
        boolean replace = request.metadataDirective() == MetadataDirective.REPLACE;
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(request.destinationBucket()).key(request.destinationKey())
                .contentLength(from.contentLength()).serverSideEncryption(request.serverSideEncryptionAsString());
        if (replace) {
            put.contentType(request.contentType()).cacheControl(request.cacheControl()).contentDisposition(request.contentDisposition())
                    .contentEncoding(request.contentEncoding()).contentLanguage(request.contentLanguage()).expires(request.expires())
                    .metadata(request.metadata());
        } else {
            put.contentType(from.contentType()).cacheControl(from.cacheControl()).contentDisposition(from.contentDisposition())
                    .contentEncoding(from.contentEncoding()).contentLanguage(from.contentLanguage()).expires(from.expires())
                    .metadata(from.metadata());
        }
        try (InputStream in = body) {
            PutObjectResponse written = putBlob(put.build(), in);
            return CopyObjectResponse.builder().serverSideEncryption(written.serverSideEncryption())
                    .copyObjectResult(CopyObjectResult.builder().eTag(written.eTag()).lastModified(Instant.now()).build()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        boolean encrypt = encrypts(request.bucket(), request.serverSideEncryptionAsString(), request.sseCustomerAlgorithm());
        MultipartUpload upload = super.initiateMultipartUpload(request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                .ssekmsEncryptionContext(null).bucketKeyEnabled(null).build());
        uploads.put(upload.id(), encrypt);
        if (!encrypt || upload.response() == null) {
            return upload;
        }
        return new MultipartUpload(upload.id(), upload.request(),
                upload.response().toBuilder().serverSideEncryption(ServerSideEncryption.AES256).build());
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream payload) {
        if (!uploadEncrypts(upload)) {
            return super.uploadMultipartPart(upload, request, payload);
        }
        requireKms();
        long length = request.contentLength();
        InputStream plaintext = checkingMd5(payload, request.contentMD5());
        // Each part is a segment of its own; the store joins the parts, and a read goes from segment to segment.
        UploadPartResponse response = super.uploadMultipartPart(upload, request.toBuilder()
                        .contentLength(ObjectCipher.Segment.storedLength(length)).contentMD5(null).build(),
                cipher.orElseThrow().encrypt(plaintext, length, upload.containerName(), upload.blobName()));
        return response.toBuilder().serverSideEncryption(ServerSideEncryption.AES256).build();
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        boolean encrypted = uploadEncrypts(upload);
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        uploads.remove(upload.id());
        return encrypted ? response.toBuilder().serverSideEncryption(ServerSideEncryption.AES256).build() : response;
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        super.abortMultipartUpload(upload);
        uploads.remove(upload.id());
    }

    private boolean uploadEncrypts(MultipartUpload upload) {
        return uploads.computeIfAbsent(upload.id(), id -> defaults.encrypts(upload.containerName()));
    }

    /**
     * Whether a write is to be encrypted: asked for with AES256, or the bucket's default. SSE-KMS with
     * a key id and SSE-C are refused rather than half honoured; without a KMS, as MinIO, nothing is encrypted.
     */
    private boolean encrypts(String bucket, String algorithm, String customerAlgorithm) {
        if (customerAlgorithm != null) {
            throw new S3ProxyException(S3ErrorCode.NOT_IMPLEMENTED, "the MinIO stand-in has no SSE-C");
        }
        if (algorithm != null && !algorithm.equals(ServerSideEncryption.AES256.toString())) {
            throw new S3ProxyException(S3ErrorCode.NOT_IMPLEMENTED, "the MinIO stand-in encrypts with SSE-S3 (AES256) only");
        }
        boolean encrypt = algorithm != null || defaults.encrypts(bucket);
        if (encrypt) {
            requireKms();
        }
        return encrypt;
    }

    private void requireKms() {
        if (cipher.isEmpty()) {
            throw new S3ProxyException(S3ErrorCode.NOT_IMPLEMENTED, KMS_NOT_CONFIGURED);
        }
    }

    private String existing(String bucket) {
        if (!delegate().containerExists(bucket)) {
            throw new S3ProxyException(S3ErrorCode.NO_SUCH_BUCKET);
        }
        return bucket;
    }

    private static ServerSideEncryptionConfiguration sseS3() {
        return ServerSideEncryptionConfiguration.builder().rules(ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(ServerSideEncryptionByDefault.builder().sseAlgorithm(ServerSideEncryption.AES256).build())
                .build()).build();
    }

    /**
     * The segment the header starts, or empty for an object stored as it is. A header this KMS key
     * does not open for this object (another key, or bytes moved from another object) fails, as
     * MinIO fails to read an object whose key it cannot unseal, rather than serve ciphertext.
     */
    private Optional<ObjectCipher.Segment> segment(byte[] header, String bucket, String key) {
        if (!ObjectCipher.looksEncrypted(header) || key.startsWith(PART_PREFIX)) {
            return Optional.empty();
        }
        if (cipher.isEmpty()) {
            throw new S3ProxyException(S3ErrorCode.NOT_IMPLEMENTED, KMS_NOT_CONFIGURED);
        }
        return Optional.of(cipher.get().open(header, bucket, key).orElseThrow(() -> new S3ProxyException(S3ErrorCode.INTERNAL_ERROR,
                bucket + "/" + key + " is encrypted, but not with this KMS key (" + KmsKey.VARIABLE + ") for this object")));
    }

    /** The object's plaintext length, or empty when it is not stored encrypted. */
    private Optional<Long> plaintextLength(String bucket, String key, String versionId, long storedLength) {
        if (storedLength < ObjectCipher.HEADER_BYTES) {
            return Optional.empty();
        }
        return segment(headerAt(bucket, key, versionId, 0), bucket, key)
                .map(first -> plaintextLength(bucket, key, versionId, storedLength, first));
    }

    /** The sum of the segments' plaintext lengths, each header read where the one before ends. */
    private long plaintextLength(String bucket, String key, String versionId, long storedLength, ObjectCipher.Segment first) {
        long total = 0;
        long offset = 0;
        ObjectCipher.Segment segment = first;
        while (true) {
            total += segment.plaintextLength();
            offset += segment.storedLength();
            if (offset == storedLength) {
                return total;
            }
            if (offset + ObjectCipher.HEADER_BYTES > storedLength) {
                throw new S3ProxyException(S3ErrorCode.INTERNAL_ERROR, bucket + "/" + key + " is truncated on disk");
            }
            segment = segment(headerAt(bucket, key, versionId, offset), bucket, key).orElseThrow(() -> new S3ProxyException(
                    S3ErrorCode.INTERNAL_ERROR, "a segment of " + bucket + "/" + key + " does not open with the KMS key"));
        }
    }

    private byte[] headerAt(String bucket, String key, String versionId, long offset) {
        try (ResponseInputStream<GetObjectResponse> in = super.getBlob(GetObjectRequest.builder().bucket(bucket).key(key)
                .versionId(versionId).range("bytes=" + offset + "-" + (offset + ObjectCipher.HEADER_BYTES - 1)).build())) {
            return in == null ? new byte[0] : in.readNBytes(ObjectCipher.HEADER_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes=A-B}, {@code bytes=A-} or {@code bytes=-N} (validated by the frontend) as first and last byte. */
    static long[] range(String range, long total) {
        String[] ends = range.substring("bytes=".length()).split("-", 2);
        long first;
        long last;
        if (ends[0].isEmpty()) {
            first = Math.max(0, total - Long.parseLong(ends[1]));
            last = total - 1;
        } else {
            first = Long.parseLong(ends[0]);
            last = ends[1].isEmpty() ? total - 1 : Math.min(Long.parseLong(ends[1]), total - 1);
        }
        if (first >= total || first > last) {
            throw new S3ProxyException(S3ErrorCode.INVALID_RANGE);
        }
        return new long[] {first, last};
    }

    /** The payload, checked against its Content-MD5 (over the plaintext) when it ends: a mismatch fails the write. */
    private static InputStream checkingMd5(InputStream payload, String contentMd5) {
        if (contentMd5 == null) {
            return payload;
        }
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] expected = Base64.getDecoder().decode(contentMd5);
        return new DigestInputStream(payload, md5) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0 && !MessageDigest.isEqual(md5.digest(), expected)) {
                    throw new S3ProxyException(S3ErrorCode.BAD_DIGEST);
                }
                return n;
            }
        };
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // abandoned
        }
    }

    /** At most {@code limit} bytes of {@code in}. */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
