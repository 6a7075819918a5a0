package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.cert.TestBundles;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/** The checks made through forwards from an app node: a healthy chain served, logins without the site's CA, a node that will not forward. */
class ForwardChecksTest {
    private final Site site = Sites.lab();

    @Test
    void aGoodChainServedThroughTheAppNodeIsOk() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (LoopbackServers lb = new LoopbackServers()) {
            ForwardChecks checks = new ForwardChecks(site, Playbooks.load(), TestBundles.clock(), Optional::empty, Optional.empty(), Duration.ofSeconds(2), executor);
            ScriptedHost app1 = new ScriptedHost("app1", key -> null).forwardingTo(lb.tls());
            assertEquals(List.of(new Finding("certs.served", "app1", "203.0.113.20:443", Verdict.OK, "order, chain, name and expiry are right", "")),
                    checks.served(Sites.node(site, "app1"), app1).join());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void withoutTheSiteCaAndSecretsEachLoginIsSkippedNotFailed() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            ForwardChecks checks = new ForwardChecks(site, Playbooks.load(), Clock.systemUTC(), Optional::empty, Optional.empty(), Duration.ofSeconds(1), executor);
            List<Finding> logins = checks.services(Sites.node(site, "app1"), new ScriptedHost("app1", key -> null)).stream()
                    .map(java.util.concurrent.CompletableFuture::join).toList();
            assertEquals(List.of("service.database 10.77.0.20:3306", "service.broker 10.77.0.20:5671", "service.objects 10.77.0.20:9000"),
                    logins.stream().map(f -> f.id() + " " + f.target()).toList());
            assertTrue(logins.stream().allMatch(f -> f.verdict() == Verdict.SKIP && f.cause().equals("no site CA and secrets on this machine yet")),
                    logins.toString());
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Services that take the connection and never answer: each login is a finding once the timeout
     * has passed as a whole, not once per step of its client (connection, TLS handshake, the
     * protocol's own handshake), which for RabbitMQ's client was twice the timeout and more.
     */
    @Test
    void aHungServiceIsATimeoutOfTheWholeLogin(@TempDir Path dir) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(3);
        try {
            SiteCa ca = SiteCa.openOrCreate(dir.resolve("ca"), "lab", Clock.systemUTC());
            Secrets secrets = Secrets.unsaved(dir.resolve("secrets.yml"));
            for (AppAccounts.Pair pair : List.of(AppAccounts.DATABASE_ACCOUNTS, AppAccounts.BROKER_ACCOUNTS, AppAccounts.OBJECTS_ACCOUNTS)) {
                secrets.put(pair.active(secrets).secret(), Secret.of("a-site-password"));
            }
            ForwardChecks checks = new ForwardChecks(site, Playbooks.load(), Clock.systemUTC(), () -> Optional.of(ca), Optional.of(secrets),
                    Duration.ofSeconds(2), executor);
            ScriptedHost app1 = new ScriptedHost("app1", key -> null).forwardingToHungServices();
            long start = System.nanoTime();
            List<Finding> logins = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> checks.services(Sites.node(site, "app1"), app1).stream()
                    .map(java.util.concurrent.CompletableFuture::join).toList());
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(List.of("service.database", "service.broker", "service.objects"), logins.stream().map(Finding::id).toList());
            assertTrue(logins.stream().allMatch(f -> f.verdict() == Verdict.FAIL && f.cause().startsWith("no answer within 2 s: ")), logins.toString());
            // RabbitMQ's client alone would have waited out its connection's timeout and then its handshake's
            assertEquals("no answer within 2 s: the login had not finished", logins.get(1).cause());
            assertTrue(took < 3900, "the logins ran side by side, each within its 2 s: " + took + " ms");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aNodeThatRefusesToForwardIsNamedNotTheLoadBalancer() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            ForwardChecks checks = new ForwardChecks(site, Playbooks.load(), Clock.systemUTC(), Optional::empty, Optional.empty(), Duration.ofSeconds(1), executor);
            RemoteException refusal = new RemoteException("app1", Failure.NODE_FORWARDING_REFUSED, "to 203.0.113.20:443 (open failed)");
            ScriptedHost app1 = new ScriptedHost("app1", key -> null).refusingForwards(refusal);
            List<Finding> served = checks.served(Sites.node(site, "app1"), app1).join();
            assertEquals(1, served.size(), served.toString());
            Finding f = served.get(0);
            assertEquals(Verdict.FAIL, f.verdict());
            assertEquals("app1: the node refused to forward to a service (administratively prohibited): to 203.0.113.20:443 (open failed)", f.cause());
            assertTrue(f.hint().startsWith("the node's sshd forbids forwarding for oth's user: check AllowTcpForwarding and PermitOpen"), f.hint());
        } finally {
            executor.shutdownNow();
        }
    }
}
