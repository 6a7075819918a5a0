package io.oth.standin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The stand-in's substitute for a MinIO user limited to one bucket: lines of
 * {@code ACCESS_KEY SECRET_KEY BUCKET}, separated by spaces or tabs; blank lines and lines starting
 * with {@code #} are skipped. Errors name the file and line, never the secret.
 */
final class UsersFile {
    /** S3's bucket naming rules, which MinIO enforces. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** One extra access key; its secret never appears in {@link #toString()}. */
    record User(String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() {
            return accessKey + " (bucket " + bucket + ")";
        }
    }

    private UsersFile() {
    }

    static List<User> parse(Path file, String rootUser) throws StandInException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StandInException.refused(file + ": cannot read the users file (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        List<User> users = new ArrayList<>();
        Set<String> accessKeys = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] fields = line.split("[ \t]+");
            if (fields.length != 3) {
                throw StandInException.refused(where + "expected ACCESS_KEY SECRET_KEY BUCKET, found "
                        + fields.length + " fields");
            }
            User user = new User(fields[0], fields[1], fields[2]);
            // MinIO's own limits for access and secret keys.
            if (user.accessKey().length() < 3 || user.accessKey().contains("=") || user.accessKey().contains(",")) {
                throw StandInException.refused(where + "access key " + user.accessKey()
                        + ": at least 3 characters, without '=' or ','");
            }
            if (user.secretKey().length() < 8) {
                throw StandInException.refused(where + "the secret key of " + user.accessKey()
                        + " is shorter than 8 characters");
            }
            if (!BUCKET.matcher(user.bucket()).matches() || user.bucket().contains("..")) {
                throw StandInException.refused(where + "bucket " + user.bucket()
                        + ": not a valid bucket name (3-63 of a-z, 0-9, '.', '-')");
            }
            if (user.accessKey().equals(rootUser)) {
                throw StandInException.refused(where + "access key " + user.accessKey()
                        + " is MINIO_ROOT_USER; the root user cannot be limited to a bucket");
            }
            if (!accessKeys.add(user.accessKey())) {
                throw StandInException.refused(where + "access key " + user.accessKey() + " appears twice");
            }
            users.add(user);
        }
        return users;
    }
}
