package io.oth.cli;

import io.oth.ca.CaException;
import io.oth.ca.CertificateStatus;
import io.oth.ca.SiteCa;
import io.oth.install.NodeLayout;
import io.oth.install.Installer;
import io.oth.phase.RunReport;
import io.oth.remote.Fleet;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.report.Table;
import io.oth.site.Role;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@code oth certs status|rotate}: the certificates the site CA gave the services. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Show and rotate the internal service certificates.",
        subcommands = {CertsCommand.Status.class, CertsCommand.Rotate.class})
final class CertsCommand extends CommandGroup {
    /** What both subcommands need: the site's CA and what an install uploads, checked on this side. */
    abstract static class Step extends SiteStep {
        Installer.Inputs inputs;

        @Override
        void prepare(Site site) throws Installer.InputException {
            inputs = Installer.prepare(site, Clock.systemUTC());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Every service certificate on every node, with its expiry.")
    static final class Status extends Step {
        @Override
        int run(Context context) throws RemoteException, CaException {
            Table table = new Table("NODE", "SERVICE", "EXPIRES", "DAYS LEFT", "ISSUER");
            boolean renewSoon = false;
            try (Fleet fleet = context.connector().connect(context.site(), context.site().nodesWithRole(Role.STORAGE))) {
                for (Fleet.Reach reach : fleet.reaches()) {
                    if (reach.host().isEmpty()) {
                        context.err().println("oth: " + reach.failure().orElseThrow().getMessage());
                        continue;
                    }
                    for (Map.Entry<String, String> cert : new TreeMap<>(NodeLayout.SERVICE_CERTIFICATES).entrySet()) {
                        Optional<byte[]> pem = reach.host().get().read(cert.getValue());
                        if (pem.isEmpty()) {
                            table.row(reach.node().name(), cert.getKey(), "-", "-", "none installed");
                            continue;
                        }
                        CertificateStatus s = inputs.ca().status(new String(pem.get(), StandardCharsets.US_ASCII));
                        renewSoon |= s.daysLeft() < SiteCa.DEFAULT_RENEWAL_WINDOW.toDays();
                        table.row(reach.node().name(), cert.getKey(), s.notAfter().toString(), String.valueOf(s.daysLeft()),
                                s.issuedByThisCa() ? "site CA" : "NOT this site's CA");
                    }
                }
            }
            table.print(context.out());
            return renewSoon ? ExitCode.FAILED.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Issue new certificates (fresh keys) and load them without downtime where the service can.")
    static final class Rotate extends Step {
        @Mixin
        LockOptions locking;

        @Option(names = "--service", paramLabel = "SERVICE", split = ",", converter = OptionRanges.CertifiedService.class,
                completionCandidates = OptionRanges.CertifiedService.class, description = "Only these services (${COMPLETION-CANDIDATES}); default: all.")
        Set<String> services;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        /** The CA and secrets are kept in the site's state directory only once the lock is held. */
        @Override
        int run(Context context) throws RemoteException, Installer.InputException {
            PrintWriter out = context.out();
            Set<String> chosen = services == null ? NodeLayout.SERVICE_CERTIFICATES.keySet() : services;
            RunReport report = Installer.install(inputs.saved().rotating(chosen), options.connectOptions(context.site(), HostKeyTrust.REFUSE),
                    false, context.claim(), OptionRanges.FirewallRevert.byDefault(), out);
            out.printf("rotate: %d change(s), %s%n", report.changes(), report.failed() ? "FAILED" : "ok");
            return report.failed() ? ExitCode.FAILED.code() : ExitCode.OK.code();
        }
    }
}
