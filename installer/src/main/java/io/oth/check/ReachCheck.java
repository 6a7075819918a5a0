package io.oth.check;

import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.site.Site;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * reach.bastion and reach.node: whether oth gets in, over SSH with the host keys as recorded. Every
 * other check from a node needs this one; what a failure here keeps from running is shown as
 * skipped, naming it.
 */
final class ReachCheck {
    static final String BASTION = "reach.bastion";
    static final String NODE = "reach.node";

    private ReachCheck() {
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(BASTION, "SSH to the bastion, with its host key as recorded", List.of(Vantage.OPERATOR)),
                new CheckInfo(NODE, "SSH to each node through the bastion, with its host key as recorded", List.of(Vantage.BASTION)));
    }

    static String bastion(Site site) {
        return site.bastion().map(b -> "bastion " + b.address()).orElse("nodes (direct)");
    }

    static Finding bastionReached(Site site) {
        return Finding.ok(BASTION, Vantage.OPERATOR, bastion(site), "SSH and host key as recorded");
    }

    static Finding bastionFailed(Site site, RemoteException e) {
        return new Finding(BASTION, Vantage.OPERATOR, bastion(site), Verdict.FAIL, e.getMessage(), e.failure().hint());
    }

    /** One node's reach.node: reached, or why not (the bastion's refusal is named as the bastion's). */
    static Finding node(Fleet.Reach reach) {
        return reach.failure().map(f -> failed(reach.node().name(), f))
                .orElseGet(() -> Finding.ok(NODE, Vantage.BASTION, reach.node().name(), "SSH and host key as recorded"));
    }

    static Finding failed(String node, RemoteException e) {
        return new Finding(NODE, Vantage.BASTION, node, Verdict.FAIL, e.getMessage(), e.failure().hint());
    }

    /** What a check that could not run because of {@code blocker} says instead of a verdict. */
    static Finding notTried(String id, String vantage, String target, Finding blocker) {
        return new Finding(id, vantage, target, Verdict.SKIP, notTriedCause(blocker), "");
    }

    private static String notTriedCause(Finding blocker) {
        return "not tried: " + blocker.id() + " failed (" + blocker.target() + ")";
    }

    /**
     * {@code shown} and, from {@code all}, each failed reach check that kept one of them from running,
     * in the order of {@code all}: a view narrowed by --only or --node still says why its checks were
     * skipped, and still fails when the site could not be reached.
     */
    static List<Finding> withBlockers(List<Finding> shown, List<Finding> all) {
        Set<String> causes = shown.stream().filter(f -> f.verdict() == Verdict.SKIP).map(Finding::cause).collect(Collectors.toSet());
        Set<Finding> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(shown);
        return all.stream().filter(f -> kept.contains(f) || f.verdict() == Verdict.FAIL && (f.id().equals(BASTION) || f.id().equals(NODE))
                && causes.contains(notTriedCause(f))).toList();
    }
}
