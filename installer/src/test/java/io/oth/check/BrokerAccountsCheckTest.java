package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.broker: install's own plan for RabbitMQ's accounts, read beside the node's probes. */
class BrokerAccountsCheckTest {
    private final Site site = Sites.lab();
    private final Node storage = Sites.node(site, "storage");

    @TempDir
    Path dir;

    private BrokerAccountsCheck check(boolean withSecrets) throws Exception {
        SiteCa ca = SiteCa.openOrCreate(dir.resolve("ca"), "lab", Clock.systemUTC());
        Secrets secrets = Secrets.unsaved(dir.resolve("secrets.yml"));
        secrets.put(AppAccounts.BROKER_SECRET, Secret.of("a-site-password"));
        secrets.put(AppAccounts.BROKER_ADMIN_SECRET, Secret.of("an-admin-password"));
        return new BrokerAccountsCheck(site, () -> Optional.of(ca), () -> withSecrets ? Optional.of(secrets) : Optional.empty(), 15671);
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

    @Test
    void withoutTheSecretsItIsSkippedAndNothingIsAsked() throws Exception {
        ScriptedHost host = new ScriptedHost("storage", key -> new Probe.Answer(0, ""));
        Finding finding = check(false).on(storage, host);
        assertEquals(Verdict.SKIP, finding.verdict());
        assertEquals(java.util.List.of(), host.asked);
        assertTrue(check(false).runsOn(storage) && !check(false).runsOn(Sites.node(site, "app1")));
    }
}
