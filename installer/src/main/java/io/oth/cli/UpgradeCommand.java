package io.oth.cli;

import io.oth.install.ReleaseBundle;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.report.PlanReport;
import io.oth.report.UpgradeJson;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.upgrade.RollingUpgrade;
import io.oth.upgrade.Upgrade;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;

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
                "With --rollback: every app node goes back to the release it ran before its last switch. With --check: the plan only."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  See which node goes from which release to which; change nothing:",
            "    oth upgrade --check",
            "  Upgrade, one app node at a time:",
            "    oth upgrade",
            "  Go back to the release the nodes ran before:",
            "    oth upgrade --rollback"})
final class UpgradeCommand extends SiteStep implements ConnectsToNodes {
    @Mixin
    LockOptions locking;

    @Mixin
    JsonOutput json;

    @Option(names = "--rollback", description = "Go back to the release each app node ran before (rolling, health-checked).")
    boolean rollback;

    @Option(names = "--no-backup", description = "Do not back up the application database first.")
    boolean noBackup;

    @Option(names = "--check", description = "Only the preflight and the plan: which node goes from which release to which, in what order; "
            + "changes nothing (exit 6 when an upgrade is pending).")
    boolean check;

    private ReleaseBundle release;

    /** A plan only reads, so {@code --check} takes no lock. */
    @Override
    Optional<LockOptions> locking() {
        return check ? Optional.empty() : Optional.of(locking);
    }

    @Override
    Optional<JsonOutput> json() {
        return Optional.of(json);
    }

    @Override
    void prepare(Site site) {
        try {
            release = ReleaseBundle.ofSite(site);
        } catch (ReleaseBundle.BundleException e) {
            throw new IllegalArgumentException(e.getMessage() + "; nothing was changed", e);
        }
    }

    @Override
    int run(Context context) throws IOException, RemoteException, RollingUpgrade.UpgradeException {
        try (Fleet fleet = context.fleet()) {
            Upgrade upgrade = new Upgrade(context.site(), Playbooks.load(), release, fleet, context.connector().concurrency(), context::say, Clock.systemUTC(),
                    context.connector().progress());
            Upgrade.Request request = new Upgrade.Request(rollback, !noBackup);
            Optional<Upgrade.Plan> plan = upgrade.plan(request);
            if (plan.isEmpty()) {
                context.result(UpgradeJson.nothingToDo(check, rollback), () -> { });
                return ExitCode.OK.code();
            }
            if (check) {
                context.result(UpgradeJson.of(plan.get(), true, false, Optional.empty()), () -> printed(plan.get(), context));
                return ExitCode.of(plan.get().report()).code();
            }
            Optional<String> backup = upgrade.run(plan.get());
            context.result(UpgradeJson.of(plan.get(), false, true, backup), () -> { });
            return ExitCode.OK.code();
        }
    }

    /** The plan as install prints one, then the order the nodes move in. */
    private void printed(Upgrade.Plan plan, Context context) {
        PrintWriter out = context.out();
        PlanReport.print(plan.report(), out);
        out.println("In this order:");
        plan.nodes().forEach(n -> out.printf("  %-12s %s%n", n.node().name(), n.running().equals(plan.target()) ? "runs " + plan.version() + " already"
                : n.version() + " -> " + plan.version()));
        out.printf("Nothing was changed (--check); %s%n", rollback || noBackup || !context.site().storage().database().isLocal()
                ? "oth upgrade" + (rollback ? " --rollback" : "") + " does it." : "oth upgrade backs up the database first, then does it.");
    }
}
