package io.oth.standin;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.InputStream;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * S3Proxy's file system store with its removals kept apart from its writes. After removing an
 * object, the store removes the directories its key leaves empty ({@code healthz/} once the last
 * {@code healthz/...} object is gone), and a write into that directory at the same moment then
 * fails with an internal error: two app nodes' health checks, each writing and removing its own
 * probe object, met like that. MinIO serves such writes side by side; here, writes go side by side
 * with each other and removals one at a time, between them.
 */
final class RemovalsApartBlobStore extends ForwardingBlobStore {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    RemovalsApartBlobStore(BlobStore data) {
        super(data);
    }

    private static <T> T holding(Lock lock, Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private <T> T writing(Supplier<T> action) {
        return holding(lock.readLock(), action);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        return writing(() -> super.putBlob(request, payload));
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return writing(() -> super.copyBlob(request));
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        return writing(() -> super.initiateMultipartUpload(request));
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream payload) {
        return writing(() -> super.uploadMultipartPart(upload, request, payload));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        return writing(() -> super.completeMultipartUpload(upload, request));
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        return holding(lock.writeLock(), () -> super.removeBlob(request));
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        holding(lock.writeLock(), () -> {
            super.abortMultipartUpload(upload);
            return null;
        });
    }
}
