package io.oth.cli;

import io.oth.backup.Backups;
import io.oth.fleet.FleetConnector;
import io.oth.install.InstallPhases;
import io.oth.install.ReleaseBundle;
import io.oth.lock.Holder;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.PrivateFiles;
import io.oth.site.Site;
import io.oth.site.StateDir;
import io.oth.upgrade.RollingUpgrade;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code oth upgrade}: an assisted upgrade of the application to the release the site file names,
 * one app node at a time: preflight, database backup, staging on every node, a rolling switch with
 * a health check per node, and a rollback of every node when one fails. {@code --rollback} goes back
 * to the release the nodes ran before.
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Upgrade the application to the release the site file names, one app node at a time, with health checks and "
                + "rollback.",
                "Preflight (every app node healthy), a database backup, the new release unpacked on every node, then each node drained "
                + "in haproxy, switched, restarted, health-checked and put back. A node that fails goes back, and so do the ones already moved.",
                "With --rollback: every app node goes back to the release it ran before its last switch. With --check: the plan only."})
final class UpgradeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Mixin
    LockOptions locking;

    @Option(names = "--rollback", description = "Go back to the release each app node ran before (rolling, health-checked).")
    boolean rollback;

    @Option(names = "--no-backup", description = "Do not back up the application database first.")
    boolean noBackup;

    @Option(names = "--check", description = "Only the preflight and the plan: which node goes from which release to which, in what order; "
            + "changes nothing (exit 6 when an upgrade is pending).")
    boolean check;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Site> loaded = options.load(err);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE.code();
        }
        Site site = loaded.get();
        ReleaseBundle release;
        try {
            release = ReleaseBundle.ofSite(site);
        } catch (ReleaseBundle.BundleException e) {
            err.println("oth: " + e.getMessage() + "; nothing was changed");
            return ExitCode.USAGE.code();
        }
        return check ? upgrade(site, release, Optional.empty()) : locking.run(site, spec, err, holder -> upgrade(site, release, Optional.of(holder)));
    }

    /** The upgrade, or with {@code holder} empty only its plan (which takes no lock). */
    private int upgrade(Site site, ReleaseBundle release, Optional<Holder> holder) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetConnector connector = options.connector(site);
        try (Fleet fleet = connector.connect(site, site.nodes(), holder, line -> say(out, line))) {
            RollingUpgrade upgrade = new RollingUpgrade(site, fleet, line -> say(out, line), connector.concurrency());
            List<RollingUpgrade.AppNode> nodes = upgrade.survey();
            Host lb = upgrade.loadBalancer();
            String target;
            if (rollback) {
                List<String> previous = RollingUpgrade.previous(nodes);
                if (previous.stream().distinct().count() != 1) {
                    err.println("oth: the app nodes ran different releases before (" + String.join(", ", previous) + "); nothing was changed");
                    return ExitCode.FAILED.code();
                }
                target = previous.get(0);
            } else {
                target = InstallPhases.APP_RELEASES + release.version();
            }
            String version = target.substring(target.lastIndexOf('/') + 1);
            if (nodes.stream().allMatch(n -> n.running().equals(target))) {
                out.printf("Every app node runs %s already: nothing to do.%n", version);
                return ExitCode.OK.code();
            }
            out.printf("%s from %s to %s on %d app node(s), one at a time%n", rollback ? "Rollback" : "Upgrade",
                    String.join(", ", nodes.stream().map(RollingUpgrade.AppNode::version).distinct().toList()), version, nodes.size());
            upgrade.preflight(lb, nodes, release.health());
            if (check) {
                nodes.forEach(n -> out.printf("  %-12s %s%n", n.node().name(), n.running().equals(target) ? "runs " + version + " already"
                        : n.version() + " -> " + version));
                out.printf("Nothing was changed (--check); %s%n", rollback || noBackup || !site.storage().database().isLocal()
                        ? "oth upgrade" + (rollback ? " --rollback" : "") + " does it." : "oth upgrade backs up the database first, then does it.");
                return ExitCode.PENDING.code();
            }
            Optional<String> backup = Optional.empty();
            if (!noBackup && site.storage().database().isLocal()) {
                Fleet.Reach storage = fleet.reaches().stream().filter(r -> r.node().role().equals("storage")).findFirst()
                        .orElseThrow(() -> new RemoteException("storage", Failure.NODE_UNREACHABLE, "the site has no storage node"));
                backup = Optional.of(Backups.now(storage.host().orElseThrow(() -> storage.failure().orElseThrow())));
                out.println("backup: " + backup.get() + " (oth backup restore " + backup.get() + " brings the database back to this point)");
            } else if (!noBackup) {
                out.println("backup: the database is external; back it up by its own means (oth does not reach it)");
            }
            if (!rollback) {
                upgrade.stage(nodes, release);
            }
            audit(site, "start " + (rollback ? "rollback" : "upgrade") + " to " + version + backup.map(b -> " backup " + b).orElse(""));
            try {
                upgrade.roll(lb, nodes, target, release.health());
            } catch (RollingUpgrade.UpgradeException e) {
                audit(site, "failed, rolled back: " + e.getMessage());
                err.println("oth: " + e.getMessage());
                backup.ifPresent(b -> err.println("  the database was not restored; if the new release changed it: oth backup restore " + b));
                return ExitCode.of(e.failure()).code();
            }
            audit(site, "done: every app node runs " + version);
            out.printf("Every app node runs %s.%n", version);
            if (rollback && !version.equals(release.version())) {
                out.printf("The site file still names %s %s (%s): set application.release to the %s bundle, or oth install moves every node to %s at once.%n",
                        release.name(), release.version(), site.application().release().orElseThrow(), version, release.version());
            }
            return ExitCode.OK.code();
        } catch (RollingUpgrade.UpgradeException e) {
            err.println("oth: " + e.getMessage());
            return ExitCode.of(e.failure()).code();
        } catch (RemoteException e) {
            return SiteOptions.failed(err, e);
        }
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static void audit(Site site, String what) throws IOException {
        PrivateFiles.append(StateDir.of(site.name()).resolve("upgrade.log"), Instant.now() + " " + what);
    }
}
