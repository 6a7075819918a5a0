package io.oth.upgrade;

import io.oth.backup.Backups;
import io.oth.install.NodeLayout;
import io.oth.install.ReleaseBundle;
import io.oth.phase.RunReport;
import io.oth.progress.Progress;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.PrivateFiles;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;
import io.oth.site.StateDir;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code oth upgrade} as one service: survey and preflight, then (unless only planned) a database
 * backup, the release staged on every node, the {@link RollingUpgrade} and the lines of the audit
 * log ({@code upgrade.log} in the site's state directory) that say how it went.
 */
public final class Upgrade {
    private final Site site;
    private final ReleaseBundle release;
    private final Fleet fleet;
    private final Consumer<String> say;
    private final Clock clock;
    private final RollingUpgrade rolling;
    private final Progress progress;

    /** @param progress where each node's step and what it waits for are shown */
    public Upgrade(Site site, Playbooks playbooks, ReleaseBundle release, Fleet fleet, int concurrency, Consumer<String> say, Clock clock,
                   Progress progress) {
        this.site = site;
        this.release = release;
        this.fleet = fleet;
        this.say = say;
        this.clock = clock;
        this.progress = progress;
        this.rolling = new RollingUpgrade(site, playbooks, fleet, say, concurrency, progress);
    }

    /** What was asked: the release the site file names, or {@code rollback} to the one before; with a backup of a local database first. */
    public record Request(boolean rollback, boolean backup) {
        /** Whether this request backs up the database: only a database oth runs can be. */
        boolean backsUp(Site site) {
            return backup && site.storage().database().isLocal();
        }
    }

    /** Where an upgrade goes, as the survey and the preflight found it: the app nodes in the order they move, and their target. */
    public record Plan(Request request, List<RollingUpgrade.AppNode> nodes, String target, RunReport report, Host lb) {
        /** The target's version: the last part of its release directory. */
        public String version() {
            return target.substring(target.lastIndexOf('/') + 1);
        }

        public boolean pending() {
            return report.changes() > 0;
        }
    }

    /**
     * Surveys the app nodes and, unless every one runs the target already, runs the preflight;
     * changes nothing. Empty when there is nothing to do.
     */
    public Optional<Plan> plan(Request request) throws RollingUpgrade.UpgradeException {
        List<RollingUpgrade.AppNode> nodes = rolling.survey();
        Host lb = rolling.loadBalancer();
        String target = request.rollback() ? previousRelease(nodes) : NodeLayout.APP_RELEASES + release.version();
        String version = target.substring(target.lastIndexOf('/') + 1);
        if (nodes.stream().allMatch(n -> n.running().equals(target))) {
            say.accept("Every app node runs " + version + " already: nothing to do.");
            return Optional.empty();
        }
        say.accept(String.format("%s from %s to %s on %d app node(s), one at a time", request.rollback() ? "Rollback" : "Upgrade",
                String.join(", ", nodes.stream().map(RollingUpgrade.AppNode::version).distinct().toList()), version, nodes.size()));
        rolling.preflight(lb, nodes, release.health());
        return Optional.of(new Plan(request, nodes, target, report(request, nodes, target, version), lb));
    }

    /** The plan as install's: one host per node, one change per step that node goes through. */
    private RunReport report(Request request, List<RollingUpgrade.AppNode> nodes, String target, String version) {
        List<RunReport.HostOutcome> hosts = new ArrayList<>();
        if (request.backsUp(site)) {
            site.nodesWithRole(Role.STORAGE).forEach(n -> hosts.add(new RunReport.HostOutcome(n.name(), 0,
                    List.of("back up the application database"), Optional.empty(), Optional.empty())));
        }
        for (RollingUpgrade.AppNode n : nodes) {
            boolean there = n.running().equals(target);
            List<String> changes = there ? List.of() : request.rollback() ? List.of(switchTo(n, version))
                    : List.of("stage " + release.name() + " " + version + " in " + target + " (unless it is there)", switchTo(n, version));
            hosts.add(new RunReport.HostOutcome(n.node().name(), there ? 1 : 0, changes, Optional.empty(), Optional.empty()));
        }
        return new RunReport(true, hosts, fleet.sessionsOpened(), fleet.connectionsOpened());
    }

    private static String switchTo(RollingUpgrade.AppNode n, String version) {
        return "switch from " + n.version() + " to " + version + ": drain in haproxy, restart, health check, back in haproxy";
    }

    /**
     * Carries out {@code plan}: backup, staging, the rolling switch; a failure says what the site runs now and how to undo the rest.
     * Answers the id of the backup made first, if one was.
     */
    public Optional<String> run(Plan plan) throws RollingUpgrade.UpgradeException, RemoteException, IOException {
        Request request = plan.request();
        Optional<String> backup = Optional.empty();
        if (request.backsUp(site)) {
            Node node = Backups.storageNode(site);
            Fleet.Reach storage = fleet.reaches().stream().filter(r -> r.node().name().equals(node.name())).findFirst()
                    .orElseThrow(() -> new RemoteException(node.name(), Failure.NODE_UNREACHABLE, "the storage node is not among the nodes this run reached"));
            try (Progress.Activity backingUp = progress.start(node.name(), "backup")) {
                backingUp.step("backing up the application database");
                backup = Optional.of(Backups.now(storage.host().orElseThrow(() -> storage.failure().orElseThrow())));
            }
            say.accept("backup: " + backup.get() + " (oth backup restore " + backup.get() + " brings the database back to this point)");
        } else if (request.backup()) {
            say.accept("backup: the database is external; back it up by its own means (oth does not reach it)");
        }
        if (!request.rollback()) {
            rolling.stage(plan.nodes(), release);
        }
        String version = plan.version();
        audit("start " + (request.rollback() ? "rollback" : "upgrade") + " to " + version + backup.map(b -> " backup " + b).orElse(""));
        try {
            rolling.roll(plan.lb(), plan.nodes(), plan.target(), release.health());
        } catch (RollingUpgrade.UpgradeException e) {
            audit("failed, rolled back: " + e.getMessage());
            throw new RollingUpgrade.UpgradeException(e.getMessage(), e.failure(), backup.map(b ->
                    "  the database was not restored; if the new release changed it: oth backup restore " + b).stream().toList());
        }
        audit("done: every app node runs " + version);
        say.accept("Every app node runs " + version + ".");
        if (request.rollback() && !version.equals(release.version())) {
            say.accept(String.format("The site file still names %s %s (%s): set application.release to the %s bundle, or oth install moves every node to %s at once.",
                    release.name(), release.version(), site.application().release().orElseThrow(), version, release.version()));
        }
        return backup;
    }

    /** The one release every app node ran before: a rollback to several would leave the site on none. */
    private static String previousRelease(List<RollingUpgrade.AppNode> nodes) throws RollingUpgrade.UpgradeException {
        List<String> previous = RollingUpgrade.previous(nodes);
        if (previous.stream().distinct().count() != 1) {
            throw new RollingUpgrade.UpgradeException("the app nodes ran different releases before (" + String.join(", ", previous)
                    + "); nothing was changed", Failure.COMMAND_FAILED);
        }
        return previous.get(0);
    }

    private void audit(String what) throws IOException {
        PrivateFiles.append(StateDir.of(site.name()).resolve("upgrade.log"), clock.instant() + " " + what);
    }
}
