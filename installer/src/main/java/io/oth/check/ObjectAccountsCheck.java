package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.install.MinioAccessOp;
import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * posture.objects: MinIO's application key as install sets it (its bucket, a policy on that bucket
 * only, the user enabled with exactly that policy, the site's secret accepted). Install's own
 * operation reads the accounts through MinIO's admin API, over a forward from the storage node, and
 * plans; a plan that is not empty is drift (an extra policy attached by hand widens what the
 * application's key may do), named by what install would do.
 *
 * <p>The same read says whether the bucket's default encryption is SSE-S3, as install sets it:
 * that is {@code posture.encryption} for MinIO (target {@value #AT_REST}), a failure when it is off.
 */
final class ObjectAccountsCheck {
    static final String ID = "posture.objects";
    private static final String TARGET = "MinIO accounts";
    private static final String UNREAD_HINT = "is MinIO running on %s? (see ports.app-storage and service.objects)";
    static final String AT_REST = "MinIO bucket at rest";

    private final Site site;
    private final Supplier<Optional<SiteCa>> siteCa;
    private final Supplier<Optional<Secrets>> secrets;
    private final int port;
    private final Duration timeout;
    private final Duration patience;
    private final ExecutorService executor;

    /**
     * {@code timeout}: the node's session; {@code patience}: how long MinIO may take to answer each
     * request (doctor's probe timeout: a MinIO that hangs is a finding, not a wait); {@code executor}
     * runs MinIO's read beside the session.
     */
    ObjectAccountsCheck(Site site, Supplier<Optional<SiteCa>> siteCa, Supplier<Optional<Secrets>> secrets, int port, Duration timeout,
                        Duration patience, ExecutorService executor) {
        this.site = site;
        this.siteCa = siteCa;
        this.secrets = secrets;
        this.port = port;
        this.timeout = timeout;
        this.patience = patience;
        this.executor = executor;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "MinIO as install secures it: the application's key enabled, with the policy on its bucket and no other",
                List.of(Vantage.STORAGE)));
    }

    /** Whether {@code node} runs the site's MinIO, which this check reads. */
    boolean runsOn(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().objects().isLocal();
    }

    /** The findings for {@code node} (the accounts, then encryption at rest), read through {@code host}; call only where {@link #runsOn} holds. */
    List<Finding> on(Node node, Host host) {
        Optional<SiteCa> ca = siteCa.get();
        Optional<Secret> root = secret(AppAccounts.OBJECTS_ROOT_SECRET);
        Optional<AppAccounts.Account> active = secrets.get().map(AppAccounts.OBJECTS_ACCOUNTS::active);
        Optional<Secret> app = active.flatMap(a -> secret(a.secret()));
        if (ca.isEmpty() || root.isEmpty() || app.isEmpty()) {
            return List.of(new Finding(ID, node.name(), TARGET, Verdict.SKIP, "no site CA and secrets on this machine yet", "run oth doctor where oth install ran"),
                    new Finding(EncryptionAtRestCheck.ID, node.name(), AT_REST, Verdict.SKIP, "no site CA and secrets on this machine yet",
                            "run oth doctor where oth install ran"));
        }
        MinioAccessOp.Endpoint endpoint = new MinioAccessOp.Endpoint(node.address(), port, ca.get().rootCertificate(), AppAccounts.OBJECTS_ROOT,
                root.get());
        String user = active.orElseThrow().user();
        // MinIO's own answers are asked for beside the session that asks the node whether MinIO runs:
        // neither waits for the other, and what MinIO said counts only where the service runs.
        Future<Map<String, Probe.Answer>> server = executor.submit(() ->
                MinioAccessOp.readServer(host, endpoint, AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY, user, app.get(), patience));
        try {
            // One session: the init system, and whether MinIO runs as each init system would tell.
            Probe initProbe = new Probe("init", InitSystem.PROBE);
            Map<InitSystem, Probe> running = new java.util.EnumMap<>(InitSystem.class);
            for (InitSystem each : InitSystem.values()) {
                running.put(each, MinioAccessOp.service(each).runningProbe().scoped(each.name().toLowerCase(java.util.Locale.ROOT)));
            }
            List<Probe> asked = java.util.stream.Stream.concat(java.util.stream.Stream.of(initProbe), running.values().stream()).toList();
            Map<String, Probe.Answer> probed = Probe.parseAll(node.name(), host.run(Command.shell(Probe.script(asked)), timeout).stdout(), asked);
            String said = probed.get(initProbe.key()).output().strip();
            Optional<InitSystem> init = InitSystem.parse(said);
            if (init.isEmpty()) {
                return failed(node, "the node's init system is unknown: " + NodeText.shown(said), "");
            }
            MinioAccessOp op = new MinioAccessOp(endpoint, AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY, user, app.get(), init.get());
            Map<String, Probe.Answer> answers = new HashMap<>(probed.get(running.get(init.get()).key()).ok() ? answered(server) : op.notRunning());
            Optional<String> unanswered = op.unanswered(answers);
            if (unanswered.isPresent()) {
                // Not drift: nothing was read to compare (and the bucket's encryption was not read either).
                return failed(node, AppAccounts.unread("MinIO", unanswered.get()), UNREAD_HINT.formatted(node.name()));
            }
            // Encryption is reported once, as posture.encryption, not as account drift too.
            Probe.Answer encryption = answers.remove(op.key(MinioAccessOp.ENCRYPTION));
            return List.of(SecurityCheck.drift(ID, node, TARGET, op.plan(answers, Set.of())), atRest(node.name(), encryption));
        } catch (RemoteException e) {
            return failed(node, SecurityCheck.unread("MinIO", e), UNREAD_HINT.formatted(node.name()));
        } finally {
            // Not needed where MinIO does not run (or the node's answer was no use): stop its waiting.
            server.cancel(true);
        }
    }

    /** MinIO's answers, once its read has ended (bounded by {@link #patience} per request). */
    private static Map<String, Probe.Answer> answered(Future<Map<String, Probe.Answer>> server) throws RemoteException {
        try {
            return server.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemoteException remote) {
                throw remote;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while MinIO's accounts were read", e);
        }
    }

    private static List<Finding> failed(Node node, String cause, String hint) {
        return List.of(new Finding(ID, node.name(), TARGET, Verdict.FAIL, cause, hint),
                new Finding(EncryptionAtRestCheck.ID, node.name(), AT_REST, Verdict.FAIL, cause, hint));
    }

    /** The bucket's default encryption as MinIO answered it (absent: MinIO did not answer, which the accounts finding names). */
    static Finding atRest(String node, Probe.Answer encryption) {
        if (encryption == null) {
            return new Finding(EncryptionAtRestCheck.ID, node, AT_REST, Verdict.FAIL, "MinIO did not answer for bucket " + AppAccounts.OBJECTS_BUCKET,
                    "see posture.objects on " + node);
        }
        if (!encryption.ok()) {
            return new Finding(EncryptionAtRestCheck.ID, node, AT_REST, Verdict.FAIL, "bucket " + AppAccounts.OBJECTS_BUCKET
                    + " has no default encryption: MinIO stores new objects in plaintext", "oth install turns SSE-S3 on and encrypts the objects already there");
        }
        return Finding.ok(EncryptionAtRestCheck.ID, node, AT_REST, "bucket " + AppAccounts.OBJECTS_BUCKET
                + ": default encryption SSE-S3 (AES256) with MinIO's KMS key");
    }

    private Optional<Secret> secret(String name) {
        return secrets.get().flatMap(s -> s.get(name));
    }
}
