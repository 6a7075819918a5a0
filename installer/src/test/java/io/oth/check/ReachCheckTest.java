package io.oth.check;

import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** reach.bastion and reach.node: reached, or why not, and what a failure keeps from running. */
class ReachCheckTest {
    private final Site site = Sites.lab();

    @Test
    void aReachedBastionAndNodeAreOk() {
        assertEquals(new Finding("reach.bastion", "operator", "bastion 203.0.113.10", Verdict.OK, "SSH and host key as recorded", ""),
                ReachCheck.bastionReached(site));
        Fleet.Reach reached = Fleet.Reach.reached(Sites.node(site, "app1"), new ScriptedHost("app1", key -> null), Duration.ZERO);
        assertEquals(new Finding("reach.node", "bastion", "app1", Verdict.OK, "SSH and host key as recorded", ""), ReachCheck.node(reached));
    }

    @Test
    void withoutABastionTheNodesAreReachedDirectly() {
        Site direct = new Site(site.file(), site.name(), site.fqdn(), Optional.empty(), site.knownHosts(), site.nodes(), site.features(),
                site.storage(), site.certificateBundle(), site.supportAddresses(), site.application(), site.waivers());
        assertEquals("nodes (direct)", ReachCheck.bastionReached(direct).target());
    }

    @Test
    void aBastionThatRefusesFailsWithItsReasonAndHint() {
        RemoteException refused = new RemoteException("bastion 203.0.113.10", Failure.BASTION_REFUSED, "203.0.113.10:22");
        Finding f = ReachCheck.bastionFailed(site, refused);
        assertEquals(Verdict.FAIL, f.verdict());
        assertEquals("bastion 203.0.113.10", f.target());
        assertEquals(refused.getMessage(), f.cause());
        assertEquals(Failure.BASTION_REFUSED.hint(), f.hint());
    }

    @Test
    void aNodeThatCannotBeReachedFailsNamingTheHopThatRefused() {
        RemoteException refused = new RemoteException("app2", Failure.BASTION_FORWARDING_REFUSED, "10.77.0.102:22 (bastion says: open failed)");
        Finding f = ReachCheck.node(Fleet.Reach.failed(Sites.node(site, "app2"), refused, Duration.ZERO));
        assertEquals(new Finding("reach.node", "bastion", "app2", Verdict.FAIL, refused.getMessage(), Failure.BASTION_FORWARDING_REFUSED.hint()), f);
        assertEquals(f, ReachCheck.failed("app2", refused));
    }

    @Test
    void whatCouldNotRunIsASkipNamingTheBlocker() {
        Finding blocker = new Finding("reach.node", "bastion", "app2", Verdict.FAIL, "refused", "hint");
        assertEquals(new Finding("posture.firewall", "app2", "-", Verdict.SKIP, "not tried: reach.node failed (app2)", ""),
                ReachCheck.notTried("posture.firewall", "app2", "-", blocker));
    }
}
