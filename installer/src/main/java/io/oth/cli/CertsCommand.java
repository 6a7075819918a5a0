package io.oth.cli;

import io.oth.ca.CaException;
import io.oth.ca.CertificateStatus;
import io.oth.ca.SiteCa;
import io.oth.install.InstallPhases;
import io.oth.install.Installer;
import io.oth.phase.RunReport;
import io.oth.remote.Fleet;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.report.Table;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code oth certs status|rotate}: the certificates the site CA gave the services. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Show and rotate the internal service certificates.",
        subcommands = {CertsCommand.Status.class, CertsCommand.Rotate.class})
final class CertsCommand extends CommandGroup {
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Every service certificate on every node, with its expiry.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SiteOptions options;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<Installer.Inputs> inputs = options.inputs(err);
            if (inputs.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            Site site = inputs.get().site();
            Table table = new Table("NODE", "SERVICE", "EXPIRES", "DAYS LEFT", "ISSUER");
            boolean renewSoon = false;
            try (Fleet fleet = options.connector(site).connect(site, site.nodesWithRole("storage"))) {
                for (Fleet.Reach reach : fleet.reaches()) {
                    if (reach.host().isEmpty()) {
                        err.println("oth: " + reach.failure().orElseThrow().getMessage());
                        continue;
                    }
                    for (Map.Entry<String, String> cert : new TreeMap<>(InstallPhases.SERVICE_CERTIFICATES).entrySet()) {
                        Optional<byte[]> pem = reach.host().get().read(cert.getValue());
                        if (pem.isEmpty()) {
                            table.row(reach.node().name(), cert.getKey(), "-", "-", "none installed");
                            continue;
                        }
                        CertificateStatus s = inputs.get().ca().status(new String(pem.get(), StandardCharsets.US_ASCII));
                        renewSoon |= s.daysLeft() < SiteCa.DEFAULT_RENEWAL_WINDOW.toDays();
                        table.row(reach.node().name(), cert.getKey(), s.notAfter().toString(), String.valueOf(s.daysLeft()),
                                s.issuedByThisCa() ? "site CA" : "NOT this site's CA");
                    }
                }
            } catch (RemoteException e) {
                return SiteOptions.failed(err, e);
            } catch (CaException e) {
                err.println("oth: " + e.getMessage());
                return ExitCode.FAILED.code();
            }
            table.print(out);
            return renewSoon ? ExitCode.FAILED.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Issue new certificates (fresh keys) and load them without downtime where the service can.")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SiteOptions options;

        @Mixin
        LockOptions locking;

        @Option(names = "--service", paramLabel = "SERVICE", split = ",", converter = OptionRanges.CertifiedService.class,
                completionCandidates = OptionRanges.CertifiedService.class, description = "Only these services (${COMPLETION-CANDIDATES}); default: all.")
        Set<String> services;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Set<String> chosen = services == null ? InstallPhases.SERVICE_CERTIFICATES.keySet() : services;
            Optional<Installer.Inputs> inputs = options.inputs(err);
            if (inputs.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            return locking.run(inputs.get().site(), spec, err, holder -> {
                Optional<Installer.Inputs> saved = SiteOptions.saved(inputs.get(), err);
                if (saved.isEmpty()) {
                    return ExitCode.USAGE.code();
                }
                try {
                    RunReport report = Installer.install(saved.get().rotating(chosen), options.connectOptions(inputs.get().site(), HostKeyTrust.REFUSE),
                            false, Optional.of(holder), OptionRanges.FirewallRevert.byDefault(), out);
                    out.printf("rotate: %d change(s), %s%n", report.changes(), report.failed() ? "FAILED" : "ok");
                    return report.failed() ? ExitCode.FAILED.code() : ExitCode.OK.code();
                } catch (RemoteException e) {
                    return SiteOptions.failed(err, e);
                }
            });
        }
    }
}
