package io.oth.cli;

import io.oth.install.Installer;
import io.oth.lock.LockClaim;
import io.oth.phase.RunReport;
import io.oth.progress.Display;
import io.oth.remote.RemoteException;
import io.oth.report.PlanJson;
import io.oth.report.PlanReport;
import io.oth.secret.SecretsException;
import io.oth.site.CredentialAges;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth install}: make the nodes match the site file. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install or update the site: haproxy on the load balancer, traefik and the application on the app nodes, "
                + "MariaDB, RabbitMQ and MinIO on the storage node (or checks that external ones answer), and the firewall on every "
                + "node. Safe to re-run: only what differs is changed.",
            "With --check, print the plan (diffs included) and change nothing; exit 6 when changes are pending. "
                + "With --verbose, also say for every operation that changes nothing why."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  See what an install would change, with the diffs; change nothing:",
            "    oth install --check",
            "  Install, or bring the nodes back to the site file:",
            "    oth install",
            "  Wait up to 10 minutes for another run, and show every remote command:",
            "    oth install --lock-wait 10m --verbose",
            "  An air-gapped site: packages, release, traefik and MinIO from a bundle made by `oth bundle create`,",
            "  checked against the manifest sha256 that bundle create printed:",
            "    oth install --offline-bundle site-offline.tar --manifest-sha256 4f0c...e1"})
final class InstallCommand implements Callable<Integer>, ConnectsToNodes {
    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Mixin
    LockOptions locking;

    /** Its --verbose also says, for every operation that changes nothing, why. */
    @Mixin
    RunLogOptions runLog;

    @Mixin
    JsonOutput json;

    @Mixin
    ProgressOptions progress;

    @Option(names = "--check", description = "Plan only: show what would change, change nothing.")
    boolean check;

    @Option(names = "--offline-bundle", paramLabel = "FILE", description = "Take the Debian packages, the application release and the traefik "
            + "and MinIO bundles from this offline bundle (oth bundle create), for nodes without a package source: only the .debs a node lacks "
            + "are uploaded and installed from a local directory. The bundle is checked whole before anything is uploaded.")
    Path offlineBundle;

    @Option(names = "--manifest-sha256", paramLabel = "HEX", description = "With --offline-bundle: the manifest sha256 `oth bundle create` "
            + "printed, received out of band; a bundle whose manifest differs is refused.")
    String manifestSha256;

    @Option(names = "--firewall-revert", paramLabel = "SECONDS", defaultValue = "60", converter = OptionRanges.FirewallRevert.class,
            description = "A new firewall ruleset reverts itself after this long unless oth can reconnect, 10 to 600 (default: ${DEFAULT-VALUE}).")
    int firewallRevertSeconds;

    /** A plan only reads, so {@code --check} runs without the site's lock; an install takes it once every input has passed. */
    @Override
    public Integer call() throws IOException {
        return json.report(() -> {
            try (Display display = progress.show(spec.qualifiedName(" "), json.on, "checking the site file and the bundles")) {
                return prepared(display);
            }
        });
    }

    private int prepared(Display shown) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (manifestSha256 != null && offlineBundle == null) {
            err.println("oth: --manifest-sha256 goes with --offline-bundle");
            return ExitCode.USAGE.code();
        }
        Optional<Installer.Inputs> prepared = options.inputs(err, Optional.ofNullable(offlineBundle)
                .map(f -> new Installer.Offline(f, Optional.ofNullable(manifestSha256))));
        if (prepared.isEmpty()) {
            return ExitCode.USAGE.code();
        }
        prepared.get().offline().ifPresent(b -> err.println("oth: offline bundle " + b.describe() + ": checked"
                + (manifestSha256 == null ? "; compare that sha256 with the one `oth bundle create` printed (or pass it with --manifest-sha256)" : "")));
        runLog.open(prepared.get().site(), err);
        prepared.get().certificate().warnings().forEach(w -> err.println("oth: warning: " + w));
        if (check) {
            return install(prepared.get(), Optional.empty(), shown);
        }
        return locking.run(prepared.get().site(), spec, err, shown.progress(), claim -> {
            Optional<Installer.Inputs> saved = SiteOptions.saved(prepared.get(), err);
            return saved.isEmpty() ? ExitCode.USAGE.code() : install(saved.get(), Optional.of(claim), shown);
        });
    }

    /**
     * Warns (never fails) about each credential in use older than the site allows; a run that
     * changes the site first dates the credentials that have no time yet, from now.
     */
    private void credentialAges(Installer.Inputs inputs, PrintWriter err) {
        try {
            if (!check) {
                inputs.secrets().noteFirstSight();
            }
        } catch (SecretsException e) {
            err.println("oth: warning: cannot record when the credentials were first seen: " + e.getMessage());
        }
        CredentialAges.of(inputs.site(), inputs.secrets(), Instant.now()).stream().filter(CredentialAges.Age::tooOld)
                .forEach(a -> err.println("oth: warning: " + a.credential().what() + " (" + a.credential().secret() + ") is " + a.describe()
                        + " (credentials.max_age_days): " + a.remedy()));
    }

    private int install(Installer.Inputs inputs, Optional<LockClaim> claim, Display shown) {
        PrintWriter out = json.human();
        PrintWriter err = spec.commandLine().getErr();
        Site site = inputs.site();
        long start = System.nanoTime();
        RunReport report;
        try {
            report = Installer.install(inputs, options.connector(site, shown), check, runLog.verbose, claim,
                    Duration.ofSeconds(firewallRevertSeconds), out);
        } catch (RemoteException e) {
            return SiteOptions.failed(err, e);
        }
        credentialAges(inputs, err);
        json.result(PlanJson.of(report), () -> {
            out.println();
            PlanReport.table(report).print(out);
            if (!check) {
                PlanReport.times(report).ifPresent(times -> {
                    out.println();
                    times.print(out);
                });
            }
            out.printf("%s: %d change(s) %s, %d host(s) failed%s; %d SSH sessions over %d connections in %.1f s%n",
                    check ? "check" : "install", report.changes(), check ? "pending" : "made",
                    report.hosts().stream().filter(RunReport.HostOutcome::isFailed).count(),
                    report.warnings() == 0 ? "" : ", " + report.warnings() + " warning(s) above",
                    report.sessions(), report.connections(), (System.nanoTime() - start) / 1e9);
        });
        return ExitCode.of(report).code();
    }
}
