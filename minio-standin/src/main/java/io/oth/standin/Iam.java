package io.oth.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's users and canned policies, as MinIO's admin API makes them, kept in one JSON file
 * in the data directory ({@code .standin-iam.json}, 0600: it holds the users' secrets, as MinIO's
 * {@code .minio.sys} does) so that they outlive a restart.
 *
 * <p>The stand-in's subset of IAM: a policy may only allow S3 actions on whole buckets
 * ({@code arn:aws:s3:::B} and {@code arn:aws:s3:::B/*}); a user may use the buckets its policies
 * name, all of each, and nothing else. Anything else in a policy is refused when it is added.
 */
final class Iam {
    static final String FILE_NAME = ".standin-iam.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUCKET_RESOURCE = Pattern.compile("arn:aws:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/\\*)?");

    /** A refusal in MinIO's terms: the HTTP status and error code the admin API answers with. */
    static final class Refused extends Exception {
        private final int status;
        private final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }
    }

    /** What a user's signature opens: its secret and the buckets its policies allow; absent for a disabled user. */
    record Grant(String secretKey, Set<String> buckets) {
    }

    private final Path file;
    private final String rootUser;
    private ObjectNode state;

    private Iam(Path file, String rootUser, ObjectNode state) {
        this.file = file;
        this.rootUser = rootUser;
        this.state = state;
    }

    /** Reads the file in the data directory, or starts empty when there is none. */
    static Iam open(Path dataDir, String rootUser) throws StandInException {
        Path file = dataDir.resolve(FILE_NAME);
        ObjectNode state = JSON.createObjectNode();
        if (Files.exists(file)) {
            try {
                state = (ObjectNode) JSON.readTree(file.toFile());
            } catch (IOException | ClassCastException e) {
                throw StandInException.refused(file + ": not the stand-in's users and policies (" + e.getMessage() + ")", e);
            }
        }
        state.withObject("/policies");
        state.withObject("/users");
        return new Iam(file, rootUser, state);
    }

    synchronized int userCount() {
        return state.get("users").size();
    }

    synchronized Optional<JsonNode> policy(String name) {
        return Optional.ofNullable(state.get("policies").get(name));
    }

    synchronized void putPolicy(String name, JsonNode policy) throws Refused, IOException {
        if (name.isBlank() || name.contains(",") || !name.strip().equals(name)) {
            throw new Refused(400, "XMinioPolicyInvalidName", "policy name " + name + " is not valid");
        }
        if (policy.path("Version").asText("").isEmpty()) {
            throw new Refused(400, "XMinioPolicyInvalidVersion", "the policy has no Version");
        }
        bucketsOf(policy);
        ((ObjectNode) state.get("policies")).set(name, policy);
        save();
    }

    /** {@code {"status": ..., "policyName": "a,b", "updatedAt": ...}}, as MinIO's user-info answers. */
    synchronized Optional<ObjectNode> userInfo(String accessKey) {
        JsonNode user = state.get("users").get(accessKey);
        if (user == null) {
            return Optional.empty();
        }
        ObjectNode info = JSON.createObjectNode();
        List<String> policies = new ArrayList<>();
        user.path("policies").forEach(p -> policies.add(p.asText()));
        if (!policies.isEmpty()) {
            info.put("policyName", String.join(",", policies));
        }
        info.put("status", user.path("status").asText());
        info.put("updatedAt", user.path("updatedAt").asText());
        return Optional.of(info);
    }

    /** MinIO's add-user: creates the user or sets its secret and status; its policies stay. */
    synchronized void putUser(String accessKey, String secretKey, String status) throws Refused, IOException {
        if (accessKey.equals(rootUser)) {
            throw new Refused(400, "XMinioAdminInvalidArgument", "the root user cannot be added as a user");
        }
        if (accessKey.length() < 3 || accessKey.contains("=") || accessKey.contains(",")) {
            throw new Refused(400, "XMinioAdminInvalidAccessKey", "access key " + accessKey + " is not valid");
        }
        if (secretKey == null || secretKey.length() < 8) {
            throw new Refused(400, "XMinioAdminInvalidSecretKey", "the secret key must be at least 8 characters long");
        }
        ObjectNode users = (ObjectNode) state.get("users");
        ObjectNode user = users.has(accessKey) ? (ObjectNode) users.get(accessKey) : users.putObject(accessKey);
        user.put("secretKey", secretKey);
        user.put("status", "enabled".equals(status) ? "enabled" : "disabled");
        user.withArray("/policies");
        user.put("updatedAt", Instant.now().toString());
        save();
    }

    synchronized void removeUser(String accessKey) throws Refused, IOException {
        if (((ObjectNode) state.get("users")).remove(accessKey) == null) {
            throw noSuchUser();
        }
        save();
    }

    /** Attaches or detaches policies; like MinIO, a change that changes nothing is an error. Returns the policies changed. */
    synchronized List<String> associate(boolean attach, String accessKey, List<String> policies) throws Refused, IOException {
        JsonNode found = state.get("users").get(accessKey);
        if (found == null) {
            throw noSuchUser();
        }
        ObjectNode user = (ObjectNode) found;
        Set<String> current = new LinkedHashSet<>();
        user.path("policies").forEach(p -> current.add(p.asText()));
        List<String> changed = new ArrayList<>();
        for (String policy : policies) {
            if (attach && !current.contains(policy)) {
                if (!state.get("policies").has(policy)) {
                    throw new Refused(404, "XMinioAdminNoSuchPolicy", "The canned policy does not exist.");
                }
                changed.add(policy);
            } else if (!attach && current.contains(policy)) {
                changed.add(policy);
            }
        }
        if (changed.isEmpty()) {
            throw new Refused(400, "XMinioAdminPolicyChangeAlreadyApplied", "The specified policy change is already in effect.");
        }
        if (attach) {
            current.addAll(changed);
        } else {
            changed.forEach(current::remove);
        }
        ArrayNode list = user.putArray("policies");
        current.forEach(list::add);
        user.put("updatedAt", Instant.now().toString());
        save();
        return changed;
    }

    /** The user's secret and buckets, for signature checks; empty for an unknown or disabled user. */
    synchronized Optional<Grant> grant(String accessKey) {
        JsonNode user = state.get("users").get(accessKey);
        if (user == null || !"enabled".equals(user.path("status").asText())) {
            return Optional.empty();
        }
        Set<String> buckets = new TreeSet<>();
        for (JsonNode name : user.path("policies")) {
            JsonNode policy = state.get("policies").get(name.asText());
            if (policy != null) {
                try {
                    buckets.addAll(bucketsOf(policy));
                } catch (Refused e) {
                    // checked when the policy was added
                }
            }
        }
        return Optional.of(new Grant(user.path("secretKey").asText(), buckets));
    }

    /** The buckets a policy allows, or a refusal for what the stand-in cannot enforce. */
    static Set<String> bucketsOf(JsonNode policy) throws Refused {
        Set<String> buckets = new TreeSet<>();
        JsonNode statements = policy.path("Statement");
        if (!statements.isArray() || statements.isEmpty()) {
            throw notHonoured("a policy needs a list of statements");
        }
        for (JsonNode statement : statements) {
            Set<String> keys = new TreeSet<>();
            statement.fieldNames().forEachRemaining(keys::add);
            keys.remove("Sid");
            if (!keys.equals(Set.of("Effect", "Action", "Resource")) || !"Allow".equals(statement.path("Effect").asText())) {
                throw notHonoured("only Allow statements of Action and Resource are honoured (no Deny, Condition, NotAction, ...)");
            }
            for (String action : values(statement.get("Action"))) {
                if (!action.startsWith("s3:")) {
                    throw notHonoured("action " + action + ": only S3 actions are honoured");
                }
            }
            for (String resource : values(statement.get("Resource"))) {
                Matcher m = BUCKET_RESOURCE.matcher(resource);
                if (!m.matches()) {
                    throw notHonoured("resource " + resource + ": only arn:aws:s3:::BUCKET and arn:aws:s3:::BUCKET/* are honoured");
                }
                buckets.add(m.group(1));
            }
        }
        return buckets;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node != null) {
            values.add(node.asText());
        }
        return values;
    }

    private static Refused notHonoured(String what) {
        return new Refused(501, "NotImplemented", "the MinIO stand-in cannot enforce this policy: " + what);
    }

    private static Refused noSuchUser() {
        return new Refused(404, "XMinioAdminNoSuchUser", "The specified user does not exist.");
    }

    /** Through a private temporary file and a rename: a crash leaves the old file or the new one. */
    private void save() throws IOException {
        Path temp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), state);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
