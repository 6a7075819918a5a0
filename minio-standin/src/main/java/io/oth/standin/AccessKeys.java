package io.oth.standin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStoreLocator;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * Which secret signs a request and which buckets it may touch, by access key: the root user
 * (every bucket) and the users file's keys (one bucket each). S3Proxy asks this for every request
 * before it checks the signature, then runs the request against the view returned.
 *
 * <p>The users file is read again when its size or modification time changes, as MinIO takes new
 * users without a restart. A changed file that is refused is reported and the previous keys stay.
 */
final class AccessKeys implements BlobStoreLocator {
    private final String rootUser;
    private final AccessGrant root;
    private final BlobStore data;
    private final Path usersFile;
    private final PrintStream log;
    private volatile Loaded loaded;

    private record Loaded(String stamp, Map<String, AccessGrant> grants) {
    }

    private AccessKeys(String rootUser, String rootPassword, BlobStore data, Path usersFile, PrintStream log) {
        this.rootUser = rootUser;
        this.root = new AccessGrant(rootPassword, BucketScopedBlobStore.everyBucket(data));
        this.data = data;
        this.usersFile = usersFile;
        this.log = log;
    }

    /** Reads the users file now, so that a bad one stops the start. */
    static AccessKeys load(String rootUser, String rootPassword, BlobStore data, Path usersFile, PrintStream log)
            throws StandInException {
        AccessKeys keys = new AccessKeys(rootUser, rootPassword, data, usersFile, log);
        String stamp = stamp(usersFile);
        keys.loaded = new Loaded(stamp, keys.read(stamp));
        return keys;
    }

    /** How many keys the users file gives, for the start banner. */
    int userCount() {
        return loaded.grants().size();
    }

    @Override
    public AccessGrant locateBlobStore(String identity, String container, String blob) {
        if (rootUser.equals(identity)) {
            return root;
        }
        // Any bucket: the view refuses other buckets with AccessDenied once the signature has been
        // checked. Null here would answer InvalidAccessKeyId, which MinIO keeps for unknown keys.
        return current().grants().get(identity);
    }

    private Loaded current() {
        Loaded seen = loaded;
        String stamp = stamp(usersFile);
        if (stamp.equals(seen.stamp())) {
            return seen;
        }
        synchronized (this) {
            if (!stamp.equals(loaded.stamp())) {
                try {
                    loaded = new Loaded(stamp, read(stamp));
                    log.println("minio stand-in: " + usersFile + ": read again, " + loaded.grants().size()
                            + " access keys besides the root user");
                } catch (StandInException e) {
                    loaded = new Loaded(stamp, loaded.grants());
                    log.println("minio stand-in: " + e.getMessage() + "; keeping the previous access keys");
                }
            }
            return loaded;
        }
    }

    private Map<String, AccessGrant> read(String stamp) throws StandInException {
        Map<String, AccessGrant> grants = new LinkedHashMap<>();
        if (stamp.isEmpty()) {
            return grants;
        }
        List<UsersFile.User> users = UsersFile.parse(usersFile, rootUser);
        for (UsersFile.User user : users) {
            grants.put(user.accessKey(),
                    new AccessGrant(user.secretKey(), BucketScopedBlobStore.oneBucket(data, user.bucket())));
        }
        return grants;
    }

    /** Size and modification time; empty when the file does not exist. */
    private static String stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.size() + " " + attributes.lastModifiedTime().toInstant();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }
}
