package io.oth.check;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks made through forwards from an app node, when the node's sshd will not forward. */
class ForwardChecksTest {
    private final Site site = Sites.lab();

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
