package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.install.BrokerAccessOp;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.broker: install's own plan for RabbitMQ's accounts, read beside the node's probes. */
class BrokerAccountsCheckTest {
    private final Site site = Sites.lab();
    private final Node storage = Sites.node(site, "storage");

    @TempDir
    Path dir;

    private BrokerAccountsCheck check(boolean withSecrets) throws Exception {
        return check(withSecrets, Duration.ofSeconds(3));
    }

    private BrokerAccountsCheck check(boolean withSecrets, Duration patience) throws Exception {
        SiteCa ca = SiteCa.openOrCreate(dir.resolve("ca"), "lab", Clock.systemUTC());
        Secrets secrets = Secrets.unsaved(dir.resolve("secrets.yml"));
        secrets.put(AppAccounts.BROKER_SECRET, Secret.of("a-site-password"));
        secrets.put(AppAccounts.BROKER_ADMIN_SECRET, Secret.of("an-admin-password"));
        return new BrokerAccountsCheck(site, () -> Optional.of(ca), () -> withSecrets ? Optional.of(secrets) : Optional.empty(), 15671, patience);
    }

    @Test
    void aGuestOnRabbitMqIsDriftInstallWouldDeleteReadWithRabbitmqctlWhereTheApiDoesNotAnswer() throws Exception {
        String guest = "{\"users\": [{\"name\": \"guest\", \"password_hash\": \"x\", \"tags\": [\"administrator\"]}]}";
        ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, key.equals("rabbitmq:definitions") ? guest : ""));
        Finding finding = check(true).on(storage, host);
        assertEquals("posture.broker", finding.id());
        assertEquals(Verdict.FAIL, finding.verdict());
        assertTrue(finding.cause().startsWith("drifted: oth install plans broker accounts: ") && finding.cause().endsWith("delete user guest"), finding.cause());
        assertEquals(java.util.List.of("rabbitmq:definitions"), host.asked, "rabbitmqctl read the definitions once the API did not answer");
    }

    /**
     * A management API that takes the connection and never answers (a hung RabbitMQ) is the finding
     * after the doctor's probe timeout: not install's 15 seconds, and no rabbitmqctl, which a hung
     * server keeps waiting as long.
     */
    @Test
    void anApiThatTakesTheConnectionAndNeverAnswersIsTheFindingAfterThePatience() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, "")).forwardingTo(hung.getLocalPort());
            BrokerAccountsCheck check = check(true, Duration.ofSeconds(1));
            Finding finding = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> check.on(storage, host));
            assertEquals("cannot read RabbitMQ's accounts: RabbitMQ did not answer (\"its management API took the connection and did not answer within 1 s\")",
                    finding.cause());
            assertEquals(java.util.List.of(), host.asked, "rabbitmqctl was not asked");
        }
    }

    /** Install's read (rabbitmqctl whenever the API does not answer) asks rabbitmqctl after the same silence. */
    @Test
    void installsReadAsksRabbitmqctlAfterAnApiThatNeverAnswers() throws Exception {
        String guest = "{\"users\": [{\"name\": \"guest\", \"password_hash\": \"x\", \"tags\": [\"administrator\"]}]}";
        SiteCa ca = SiteCa.openOrCreate(dir.resolve("ca"), "lab", Clock.systemUTC());
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, key.equals("rabbitmq:definitions") ? guest : ""))
                    .forwardingTo(hung.getLocalPort());
            BrokerAccessOp op = new BrokerAccessOp("oth", "oth-app", Secret.of("a-site-password"), "oth-admin", Secret.of("an-admin-password"),
                    Optional.of(new BrokerAccessOp.Management(storage.address(), 15671, ca.rootCertificate(), Duration.ofSeconds(1), true)));
            java.util.Map<String, Probe.Answer> read = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> op.read(host, java.util.Map.of()));
            assertEquals(new Probe.Answer(0, guest), read.get("rabbitmq:definitions"));
            assertEquals(java.util.List.of("rabbitmq:definitions"), host.asked);
        }
    }

    /** rabbitmqctl stopped at its bound is said as what did not answer, not as the script that was stopped. */
    @Test
    void whenNeitherTheApiNorRabbitmqctlAnswersTheFindingSaysSoInWords() throws Exception {
        ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, ""))
                .failing(new io.oth.remote.RemoteException("storage", io.oth.remote.Failure.COMMAND_TIMEOUT, "after 12 s: sh -c 'printf ...'"));
        Finding finding = check(true).on(storage, host);
        assertEquals(Verdict.FAIL, finding.verdict());
        assertEquals("cannot read RabbitMQ's accounts: storage: command timed out: RabbitMQ's management API did not answer, nor rabbitmqctl within 12 s",
                finding.cause());
    }

    /** Neither the API nor rabbitmqctl answered: the accounts could not be read, which is not drift. */
    @Test
    void whenRabbitMqDoesNotAnswerTheAccountsAreUnreadNotDrifted() throws Exception {
        ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(1, "Error: unable to perform an operation on node 'rabbit@localhost'"));
        Finding finding = check(true).on(storage, host);
        assertEquals(Verdict.FAIL, finding.verdict());
        assertEquals("cannot read RabbitMQ's accounts: RabbitMQ did not answer (\"Error: unable to perform an operation on node 'rabbit@localhost'\")",
                finding.cause());
        assertEquals("is RabbitMQ running on storage? (see service.broker)", finding.hint());
    }

    @Test
    void withoutTheSecretsItIsSkippedAndNothingIsAsked() throws Exception {
        ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, ""));
        Finding finding = check(false).on(storage, host);
        assertEquals(Verdict.SKIP, finding.verdict());
        assertEquals(java.util.List.of(), host.asked);
        assertTrue(check(false).runsOn(storage) && !check(false).runsOn(Sites.node(site, "app1")));
    }
}
