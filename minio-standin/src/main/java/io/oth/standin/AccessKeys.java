package io.oth.standin;

import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStoreLocator;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * Which secret signs a request and which buckets it may touch, by access key: the root user
 * (every bucket) and the users made through the admin API (the buckets their policies name).
 * S3Proxy asks this for every request before it checks the signature, then runs the request
 * against the view returned; a user's change through the admin API counts from the next request.
 */
final class AccessKeys implements BlobStoreLocator {
    private final String rootUser;
    private final AccessGrant root;
    private final BlobStore data;
    private final Iam iam;

    AccessKeys(String rootUser, String rootPassword, BlobStore data, Iam iam) {
        this.rootUser = rootUser;
        this.root = new AccessGrant(rootPassword, BucketScopedBlobStore.everyBucket(data));
        this.data = data;
        this.iam = iam;
    }

    @Override
    public AccessGrant locateBlobStore(String identity, String container, String blob) {
        if (rootUser.equals(identity)) {
            return root;
        }
        // Any bucket: the view refuses the others with AccessDenied once the signature has been
        // checked. Null (unknown or disabled user) answers InvalidAccessKeyId, as MinIO does.
        return iam.grant(identity)
                .map(grant -> new AccessGrant(grant.secretKey(), BucketScopedBlobStore.buckets(data, grant.buckets())))
                .orElse(null);
    }
}
