package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.objects: install's own read of MinIO's accounts, beside the session that asks whether MinIO runs. */
class ObjectAccountsCheckTest {
    private final Site site = Sites.lab();
    private final Node storage = Sites.node(site, "storage");
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ObjectAccountsCheck check(Duration patience) throws Exception {
        SiteCa ca = SiteCa.openOrCreate(dir.resolve("ca"), "lab", Clock.systemUTC());
        Secrets secrets = Secrets.unsaved(dir.resolve("secrets.yml"));
        secrets.put(AppAccounts.OBJECTS_ROOT_SECRET, Secret.of("a-root-secret"));
        secrets.put(AppAccounts.OBJECTS_SECRET, Secret.of("an-app-secret"));
        return new ObjectAccountsCheck(site, () -> Optional.of(ca), () -> Optional.of(secrets), 9000, Duration.ofSeconds(30), patience, executor);
    }

    /** The node's session: its init system, and MinIO running (or not) as each would tell. */
    private static ScriptedHost storage(boolean running) {
        return new ScriptedHost("storage", key -> key.equals("init") ? new Probe.Answer(0, "sysv") : new Probe.Answer(running ? 0 : 3, ""));
    }

    /**
     * A MinIO that takes connections and never answers (a hung process) is a finding within the
     * doctor's probe timeout: not the minute install waits for a MinIO it has just started.
     */
    @Test
    void aMinioThatNeverAnswersIsAFailureWithinThePatienceNotAMinutesWait() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ScriptedHost host = storage(true).forwardingTo(hung.getLocalPort());
            ObjectAccountsCheck check = check(Duration.ofSeconds(1));
            List<Finding> findings = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> check.on(storage, host));
            assertEquals(List.of("posture.objects", "posture.encryption"), findings.stream().map(Finding::id).toList());
            assertTrue(findings.stream().allMatch(f -> f.verdict() == Verdict.FAIL), findings.toString());
            // not drift: nothing was read to compare
            assertEquals("cannot read MinIO's accounts: MinIO did not answer (\"it took the connection and did not answer within 1 s\")",
                    findings.get(0).cause());
        }
    }

    /** Where the node says MinIO does not run, that is the finding, whatever its port did meanwhile; nothing waits for the read. */
    @Test
    void whereMinioDoesNotRunThatIsTheFindingWithoutWaitingForItsRead() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ScriptedHost host = storage(false).forwardingTo(hung.getLocalPort());
            ObjectAccountsCheck check = check(Duration.ofSeconds(30));
            List<Finding> findings = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> check.on(storage, host));
            assertEquals("cannot read MinIO's accounts: MinIO did not answer (\"the minio service is not running\")", findings.get(0).cause());
            assertEquals(3, host.asked.size(), "one session asked the node its init system and whether MinIO runs: " + host.asked);
            assertTrue(host.asked.contains("init"), host.asked.toString());
        }
    }
}
