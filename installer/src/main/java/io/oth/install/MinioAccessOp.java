package io.oth.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.CopyObjectArgs;
import io.minio.Directive;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.ServerSideEncryption;
import io.minio.SetBucketEncryptionArgs;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.minio.messages.SseConfiguration;
import io.oth.ca.SiteTls;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.minio.MinioAdmin;
import io.oth.minio.MinioRefusal;
import io.oth.minio.S3Reads;
import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.op.ServiceOp;
import io.oth.progress.Waiting;
import io.oth.remote.Causes;
import io.oth.remote.Command;
import io.oth.remote.Failure;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The application's account on MinIO, made through MinIO's own APIs as on any MinIO: its bucket
 * (S3), a canned policy that allows S3 actions on that bucket only, a built-in user with the site's
 * secret, enabled, and that policy as its only one (admin API). oth talks to MinIO through a
 * forward from the storage node to its own address, over TLS that must lead to the site CA and
 * name that address, signed with the root credentials.
 *
 * <p>The bucket's default encryption is SSE-S3 (MinIO encrypts every object it stores with its KMS
 * key, which the objects phase gives it); turning it on also re-writes the objects already in the
 * bucket in place, so that none stays in plaintext on disk.
 *
 * <p>Facts: the bucket and its default encryption, the policy document, the user's status and
 * policies (admin API), and whether the user's secret is the site's (one S3 request signed with it:
 * MinIO never shows a secret). Only what differs is planned; no secret is shown or put on a command line.
 */
public record MinioAccessOp(Endpoint endpoint, String bucket, String policy, String user, Secret userSecret, InitSystem init,
                            List<String> actions) implements Operation {
    static final String ADMIN = "minio:admin";
    static final String BUCKET = "minio:bucket";
    static final String POLICY = "minio:policy";
    static final String USER = "minio:user";
    static final String LOGIN = "minio:login";
    /** The bucket's default encryption: {@code AES256} (SSE-S3) when on. */
    public static final String ENCRYPTION = "minio:encryption";
    /** MinIO's answer header for an object it keeps encrypted. */
    private static final String SSE_HEADER = "x-amz-server-side-encryption";
    static final String ABSENT = "absent";
    /** How long to wait for a MinIO that was just (re)started to answer. */
    private static final Duration READY = Duration.ofSeconds(60);
    /** The read's answer where the service does not run (MinIO is not asked then). */
    private static final String NOT_RUNNING = "the minio service is not running";
    /**
     * How soon a MinIO that did not answer is asked again: a refused try costs a channel that the
     * node refuses at once, and a longer pause would be the time a run waits after MinIO is up.
     */
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /**
     * Made on first use: the objects phase names this class (its service) while every node plans,
     * and a mapper made then cost the storage node's first round of facts half a second.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * Loads the HTTP client's classes, the TLS machinery and the JSON mapper, and connects to
     * nothing: for a run that will read MinIO's accounts, on a thread of its own while the run
     * connects and reads the nodes' facts. Otherwise the storage node's last phase does it, and a
     * no-op waits for that phase (most of a first read there was class loading).
     */
    public static void warmUp() {
        try {
            OkHttpClient http = SiteTls.httpClient(SiteTls.trusting(List.of()), "127.0.0.1", TIMEOUT).build();
            new MinioAdmin(http, "https://127.0.0.1:9", "-", Secret.of("-"));
            new S3Reads(http, "https://127.0.0.1:9", "-", Secret.of("-"));
            Json.MAPPER.readTree("{}");
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // only a head start: the reads load what they need anyway
        }
    }

    /** Where MinIO listens on the storage node, the root that its certificate chains to, and its root credentials. */
    public record Endpoint(String address, int port, X509Certificate siteRoot, String rootUser, Secret rootSecret) {
    }

    /** The application's account: every S3 action on its bucket. */
    public MinioAccessOp(Endpoint endpoint, String bucket, String policy, String user, Secret userSecret, InitSystem init) {
        this(endpoint, bucket, policy, user, userSecret, init, List.of("s3:*"));
    }

    public MinioAccessOp {
        actions = List.copyOf(actions);
    }

    /**
     * The key of one of this operation's facts: the facet ({@link #ADMIN}, {@link #POLICY}, ...) and
     * the user, since a phase keeps the answers of all its operations in one map (the application's
     * account and the backup script's).
     */
    public String key(String facet) {
        return facet + ":" + user;
    }

    @Override
    public String subject() {
        return "object storage account " + user;
    }

    /** Whether MinIO runs: the service's own probe, answered in the phase's round of probes (see {@link #running}). */
    @Override
    public List<Probe> probes() {
        return List.of(service(init).runningProbe());
    }

    /**
     * Whether the MinIO service runs, as the service's probe answered it in {@code probed}, or, for
     * a caller that did not ask it there, as a session of its own answers it now.
     */
    static boolean running(Host host, InitSystem init, Map<String, Probe.Answer> probed) throws RemoteException {
        ServiceOp service = service(init);
        Probe.Answer answer = probed.get(service.key());
        return answer != null ? answer.ok() : host.run(Command.shell(service.running()), TIMEOUT).ok();
    }

    /** The MinIO service, told running by the pid file of oth's own init script where there is no systemd. */
    public static ServiceOp service(InitSystem init) {
        return new ServiceOp(NodeServices.MINIO, init, true).runningWhen(ServiceOp.pidFileAlive(NodeLayout.MINIO_PID));
    }

    /** The policy oth wants: {@link #actions} on the bucket and its objects, nothing else. */
    String policyDocument() {
        String allowed = actions.stream().map(a -> "\"" + a + "\"").collect(java.util.stream.Collectors.joining(","));
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" + allowed + "],"
                + "\"Resource\":[\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]}]}";
    }

    @Override
    public Map<String, Probe.Answer> read(Host host, Map<String, Probe.Answer> probed) throws RemoteException {
        if (!running(host, init, probed)) {
            return notRunning();
        }
        return server(host, READY);
    }

    /** The answers of {@link #read} where the service does not run: MinIO is not asked. */
    public Map<String, Probe.Answer> notRunning() {
        return Map.of(key(ADMIN), new Probe.Answer(1, NOT_RUNNING));
    }

    /**
     * What MinIO itself answers of {@code user}'s account, as {@link #read} gives it where the
     * service runs, for a caller that asks the node whether it runs at the same time (doctor, which
     * then takes these answers only where it does, and {@link #notRunning} elsewhere). It waits at
     * most {@code patience} for MinIO to answer, each request included.
     */
    public static Map<String, Probe.Answer> readServer(Host host, Endpoint endpoint, String bucket, String policy, String user, Secret userSecret,
                                                       Duration patience) throws RemoteException {
        // The init system is what tells whether the service runs; server() does not ask that.
        return new MinioAccessOp(endpoint, bucket, policy, user, userSecret, InitSystem.SYSTEMD).server(host, patience);
    }

    private Map<String, Probe.Answer> server(Host host, Duration patience) throws RemoteException {
        try (Forward forward = host.forward(endpoint.address(), endpoint.port())) {
            Clients minio = clients("https://127.0.0.1:" + forward.localPort(), http(endpoint, patience.compareTo(TIMEOUT) < 0 ? patience : TIMEOUT));
            Map<String, Probe.Answer> answers = new HashMap<>();
            Optional<String> document;
            try {
                document = whenAnswering(() -> minio.admin().cannedPolicy(policy), host, patience);
            } catch (IOException e) {
                // A call that ran out of time: OkHttp closes its socket, whose "Socket closed" is not the reason.
                return Map.of(key(ADMIN), new Probe.Answer(1, Causes.include(e, java.io.InterruptedIOException.class)
                        ? "it took the connection and did not answer within " + patience.toSeconds() + " s" : reason(e)));
            }
            answers.put(key(ADMIN), new Probe.Answer(0, "answering"));
            answers.put(key(POLICY), document.map(d -> new Probe.Answer(0, d)).orElse(new Probe.Answer(1, ABSENT)));
            Optional<MinioAdmin.User> info = minio.admin().user(user);
            answers.put(key(USER), info.map(u -> new Probe.Answer(0, (u.enabled() ? "enabled" : "disabled") + " " + String.join(",", u.policies())))
                    .orElse(new Probe.Answer(1, ABSENT)));
            boolean present = minio.root().bucketExists(bucket);
            answers.put(key(BUCKET), present ? new Probe.Answer(0, "present") : new Probe.Answer(1, ABSENT));
            answers.put(key(ENCRYPTION), present && encrypted(minio.root()) ? new Probe.Answer(0, "AES256") : new Probe.Answer(1, "off"));
            answers.put(key(LOGIN), login(minio.app()));
            return answers;
        } catch (IOException e) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED, AppAccounts.unread("MinIO", reason(e)));
        }
    }

    /** Whether MinIO takes the site's secret for the user: one listing of the bucket, signed with it. */
    private Probe.Answer login(S3Reads app) throws IOException {
        try {
            app.listOne(bucket);
            return new Probe.Answer(0, "ok");
        } catch (MinioRefusal e) {
            return login(e);
        }
    }

    /**
     * What a refused listing says of the user's secret. MinIO refuses a wrong secret, an unknown
     * key and a disabled user before anything else ({@code SignatureDoesNotMatch},
     * {@code InvalidAccessKeyId}, or a 403 without a code): the secret is set again. A refusal it
     * gives after taking the signature (no such bucket, no permission, any other 404) says the
     * secret works. Anything else (a 5xx, a skewed clock) says nothing about the secret: the read
     * fails with MinIO's answer, rather than plan a new secret for a server in trouble.
     */
    static Probe.Answer login(MinioRefusal refusal) throws MinioRefusal {
        String code = refusal.code();
        if (code.equals("SignatureDoesNotMatch") || code.equals("InvalidAccessKeyId") || code.equals("HTTP403")) {
            return new Probe.Answer(1, code);
        }
        if (code.equals("AccessDenied") || refusal.status() == 404) {
            return new Probe.Answer(0, "ok");
        }
        throw refusal;
    }

    /** Whether the bucket's default encryption is SSE-S3. */
    private boolean encrypted(S3Reads root) throws IOException {
        return root.defaultEncryption(bucket).filter("AES256"::equals).isPresent();
    }

    /** What to do, in the order it is done. */
    private record Work(boolean bucket, boolean encrypt, boolean policy, boolean user, boolean attach, List<String> detach, boolean unknown) {
    }

    /** Why {@code answers} say nothing of the account (MinIO did not answer, or does not run), if they do not. */
    @Override
    public Optional<String> unanswered(Map<String, Probe.Answer> answers) {
        Probe.Answer admin = answers.get(key(ADMIN));
        if (admin != null && admin.ok()) {
            return Optional.empty();
        }
        return Optional.of("MinIO did not answer (" + (admin == null ? "not read" : NodeText.diagnostic(admin.output())) + ")");
    }

    /**
     * Whether MinIO was asked and did not answer: it runs, yet the read found it silent or failing
     * for all its patience. Not where the service does not run (a plan before the phase that starts
     * it, as {@code install --check} on a new site makes), nor where nothing was read.
     */
    private boolean silent(Map<String, Probe.Answer> answers) {
        Probe.Answer admin = answers.get(key(ADMIN));
        return admin != null && !admin.ok() && !admin.output().equals(NOT_RUNNING);
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Optional<String> unanswered = unanswered(answers);
        if (unanswered.isPresent() && silent(answers)) {
            // MinIO runs and was given READY to answer: the changes would wait as long again, for nothing.
            String why = AppAccounts.unread("MinIO", unanswered.get());
            return Optional.of(Change.refusal("object storage account: " + why, why));
        }
        List<String> needed = new ArrayList<>();
        Work work;
        if (unanswered.isPresent()) {
            needed.add(unanswered.get() + ": bucket " + bucket + " and its default encryption (SSE-S3), policy " + policy
                    + ", user " + user + " and its policy will be set");
            work = new Work(true, true, true, true, true, List.of(), true);
        } else {
            boolean makeBucket = !answers.get(key(BUCKET)).ok();
            if (makeBucket) {
                needed.add("make bucket " + bucket);
            }
            // Not read (an older caller's facts): nothing planned for it.
            Probe.Answer encryption = answers.get(key(ENCRYPTION));
            boolean encrypt = encryption != null && !encryption.ok();
            if (encrypt) {
                needed.add(makeBucket ? "turn on its default encryption (SSE-S3)"
                        : "turn on default encryption (SSE-S3) for bucket " + bucket + " and encrypt the objects already in it");
            }
            Probe.Answer current = answers.get(key(POLICY));
            boolean putPolicy = !current.ok() || !samePolicy(current.output(), policyDocument());
            if (putPolicy) {
                needed.add((current.ok() ? "rewrite" : "create") + " policy " + policy + " (" + (actions.equals(List.of("s3:*")) ? "S3"
                        : String.join(", ", actions)) + " on bucket " + bucket + " only)");
            }
            Probe.Answer info = answers.get(key(USER));
            boolean exists = info.ok();
            String[] fields = exists ? (info.output().strip() + " ").split(" ", 2) : new String[] {"", ""};
            boolean enabled = fields[0].equals("enabled");
            List<String> policies = fields[1].isBlank() ? List.of() : List.of(fields[1].strip().split(","));
            boolean secretWrong = exists && !answers.get(key(LOGIN)).ok();
            if (!exists) {
                needed.add("create user " + user + " (secret " + AppAccounts.objectsSecret(user) + ")");
            } else {
                if (!enabled) {
                    needed.add("enable user " + user);
                }
                if (secretWrong) {
                    needed.add("set the secret of " + user + " (MinIO refused it: " + NodeText.diagnostic(answers.get(key(LOGIN)).output()) + ")");
                }
            }
            boolean attach = !policies.contains(policy);
            if (attach) {
                needed.add("attach policy " + policy + " to " + user);
            }
            List<String> detach = policies.stream().filter(p -> !p.equals(policy)).toList();
            if (!detach.isEmpty()) {
                needed.add("detach " + String.join(", ", detach) + " from " + user);
            }
            work = new Work(makeBucket, encrypt, putPolicy, !exists || !enabled || secretWrong, attach, detach, false);
        }
        if (needed.isEmpty()) {
            return Optional.empty();
        }
        Work planned = work;
        return Optional.of(Change.of("object storage account: " + String.join(", ", needed), context -> {
            try (Forward forward = context.host().forward(endpoint.address(), endpoint.port())) {
                String url = "https://127.0.0.1:" + forward.localPort();
                OkHttpClient http = http(endpoint, TIMEOUT);
                apply(clients(url, http), writer(url, http), planned, context.host());
            } catch (IOException | GeneralSecurityException | io.minio.errors.MinioException e) {
                throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, Causes.include(e, java.io.InterruptedIOException.class)
                        ? "MinIO stopped answering while the accounts were changed: " + reason(e) : "MinIO refused the account changes: " + reason(e));
            }
        }));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the bucket (encrypted by default), the policy and the user are already as wanted, and the user's secret works";
    }

    private void apply(Clients minio, MinioClient root, Work work, Host host) throws IOException, GeneralSecurityException, io.minio.errors.MinioException {
        // MinIO may be restarting (a new certificate) or just started: wait for it as the read did.
        whenAnswering(() -> minio.admin().cannedPolicy(policy), host, READY);
        // Asked again even when the read found none: another account's operation on the same bucket may have made it since.
        if (work.bucket() && !minio.root().bucketExists(bucket)) {
            root.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        // Asked again as the bucket is: the other account's operation on the same bucket may have turned it on since.
        if (work.encrypt() && !encrypted(minio.root())) {
            root.setBucketEncryption(SetBucketEncryptionArgs.builder().bucket(bucket).config(SseConfiguration.newConfigWithSseS3Rule()).build());
            encryptInPlace(root);
        }
        if (work.policy()) {
            minio.admin().putCannedPolicy(policy, policyDocument());
        }
        if (work.user()) {
            minio.admin().putUser(user, userSecret, true);
        }
        List<String> attached = work.unknown() ? minio.admin().user(user).map(MinioAdmin.User::policies).orElse(List.of()) : List.of();
        if (work.attach() && !attached.contains(policy)) {
            minio.admin().attach(user, List.of(policy));
        }
        List<String> detach = work.unknown() ? attached.stream().filter(p -> !p.equals(policy)).toList() : work.detach();
        if (!detach.isEmpty()) {
            minio.admin().detach(user, detach);
        }
    }

    /**
     * Re-writes each object MinIO keeps unencrypted (written before the bucket's default was on) onto
     * itself, which encrypts it: a copy with the same content type and user metadata, asking for
     * SSE-S3. The client copies only the version it reads just before ({@code x-amz-copy-source-if-match}
     * with that ETag): an object the application deletes meanwhile is skipped, one it replaces is
     * encrypted already. (A single copy takes objects up to 5 GiB, S3's limit.)
     */
    private void encryptInPlace(MinioClient root) throws IOException, GeneralSecurityException, io.minio.errors.MinioException {
        for (Result<Item> listed : root.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            Item item = listed.get();
            if (item.isDir()) {
                continue;
            }
            StatObjectResponse stat;
            try {
                stat = root.statObject(StatObjectArgs.builder().bucket(bucket).object(item.objectName()).build());
            } catch (ErrorResponseException e) {
                if (e.errorResponse().code().equals("NoSuchKey")) {
                    continue;
                }
                throw e;
            }
            if (stat.headers().get(SSE_HEADER) != null) {
                continue;
            }
            Map<String, String> headers = new HashMap<>();
            if (stat.contentType() != null) {
                headers.put("Content-Type", stat.contentType());
            }
            try {
                root.copyObject(CopyObjectArgs.builder().bucket(bucket).object(item.objectName()).sse(new ServerSideEncryption.S3())
                        .metadataDirective(Directive.REPLACE).headers(headers).userMetadata(stat.userMetadata())
                        .source(SourceObject.builder().bucket(bucket).object(item.objectName()).build()).build());
            } catch (ErrorResponseException e) {
                String code = e.errorResponse().code();
                if (!code.equals("PreconditionFailed") && !code.equals("NoSuchKey")) {
                    throw e;
                }
            }
        }
    }

    /** Policies compared by meaning: statements as sets of effect, actions and resources, whatever the order or form. */
    static boolean samePolicy(String a, String b) {
        try {
            return normalized(Json.MAPPER.readTree(a)).equals(normalized(Json.MAPPER.readTree(b)));
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<Map<String, Object>> normalized(JsonNode policy) {
        Set<Map<String, Object>> statements = new HashSet<>();
        for (JsonNode statement : policy.path("Statement")) {
            Map<String, Object> s = new LinkedHashMap<>();
            statement.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("Sid")) {
                    s.put(f.getKey(), f.getValue().isArray() ? asSet(f.getValue()) : f.getValue().isTextual() && !f.getKey().equals("Effect")
                            ? Set.of(f.getValue().asText()) : f.getValue());
                }
            });
            statements.add(s);
        }
        return statements;
    }

    private static Set<String> asSet(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The three views oth reads one MinIO through: admin API and S3 as root, S3 as the application's user. */
    private record Clients(MinioAdmin admin, S3Reads root, S3Reads app) {
    }

    private Clients clients(String url, OkHttpClient http) {
        return new Clients(new MinioAdmin(http, url, endpoint.rootUser(), endpoint.rootSecret()), new S3Reads(http, url, endpoint.rootUser(), endpoint.rootSecret()),
                new S3Reads(http, url, user, userSecret));
    }

    /** MinIO's S3 client as root, for what changes the bucket (made only then: see {@link S3Reads}). */
    private MinioClient writer(String url, OkHttpClient http) {
        return MinioClient.builder().endpoint(url).region("us-east-1").credentials(endpoint.rootUser(), endpoint.rootSecret().reveal()).httpClient(http).build();
    }

    /** MinIO's admin API as root through {@code forward}, over TLS that must lead to the site CA and name MinIO's own address. */
    static MinioAdmin admin(Endpoint endpoint, Forward forward) {
        return new MinioAdmin(http(endpoint, TIMEOUT), "https://127.0.0.1:" + forward.localPort(), endpoint.rootUser(), endpoint.rootSecret());
    }

    private static OkHttpClient http(Endpoint endpoint, Duration timeout) {
        OkHttpClient http;
        try {
            // The forward's 127.0.0.1 is not what the certificate is about: it must name MinIO's own address.
            http = SiteTls.httpClient(SiteTls.trustManager(endpoint.siteRoot(), endpoint.address()), endpoint.address(), timeout)
                    .retryOnConnectionFailure(false)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS with the site CA: " + e.getMessage(), e);
        }
        return http;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException;
    }

    /**
     * A started MinIO takes a moment before it answers (and through a forward, a refused connection
     * looks like a dropped one): connection failures are tried again until {@code patience} ({@link
     * #READY} where a run may have just started it) has passed. An answer, even an error, ends the
     * wait, which {@code host} shows from the first try that failed.
     */
    private <T> T whenAnswering(Call<T> call, Host host, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        Waiting waiting = null;
        try {
            while (true) {
                try {
                    return call.call();
                } catch (MinioRefusal e) {
                    if (e.status() != 503 || System.nanoTime() > deadline) {
                        throw e;
                    }
                } catch (IOException e) {
                    // A certificate oth does not trust will not change by waiting; a closed connection may.
                    if (System.nanoTime() > deadline || Causes.include(e, java.security.cert.CertificateException.class)) {
                        throw e;
                    }
                }
                if (waiting == null) {
                    waiting = host.waitingFor("MinIO on " + Addresses.hostPort(endpoint.address(), endpoint.port()) + " to answer");
                }
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for MinIO", e);
                }
            }
        } finally {
            if (waiting != null) {
                waiting.close();
            }
        }
    }

    private static String reason(Exception e) {
        Throwable last = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                last = t;
            }
        }
        String message = last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
