package io.oth.cli;

import io.oth.ca.CaException;
import io.oth.certs.ServiceCertificates;
import io.oth.install.NodeLayout;
import io.oth.install.Installer;
import io.oth.phase.RunReport;
import io.oth.remote.RemoteException;
import io.oth.report.CertsJson;
import io.oth.report.PlanReport;
import io.oth.report.Table;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code oth certs status|rotate}: the certificates the site CA gave the services. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Show and rotate the internal service certificates.",
        subcommands = {CertsCommand.Status.class, CertsCommand.Rotate.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Every service certificate, with its expiry:",
            "    oth certs status",
            "  New keys and certificates for every service:",
            "    oth certs rotate"})
final class CertsCommand extends CommandGroup implements ConnectsToNodes {
    /** What both subcommands need: the site's CA and what an install uploads, checked on this side. */
    abstract static class Step extends SiteStep {
        Installer.Inputs inputs;

        @Override
        void prepare(Site site) throws Installer.InputException {
            inputs = Installer.prepare(site, Clock.systemUTC());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {"Every service certificate on every node, with its expiry:",
            "haproxy's client certificate on the load balancer and traefik's on each app node (the load balancer reaches traefik"
                    + " over mutual TLS), MariaDB's, RabbitMQ's and MinIO's on the storage node."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Every service certificate on every node, with its expiry:",
                "    oth certs status"})
    static final class Status extends Step {
        @Mixin
        JsonOutput json;

        @Override
        Optional<JsonOutput> json() {
            return Optional.of(json);
        }

        @Override
        int run(Context context) throws RemoteException, CaException {
            ServiceCertificates.Status status = ServiceCertificates.status(context.site(), context.connector(), inputs.ca());
            status.unreached().forEach(e -> context.err().println("oth: " + e.getMessage()));
            Table table = new Table("NODE", "SERVICE", "EXPIRES", "DAYS LEFT", "ISSUER");
            for (ServiceCertificates.Row row : status.rows()) {
                table.row(row.node(), row.service(), row.status().map(s -> s.notAfter().toString()).orElse("-"),
                        row.status().map(s -> String.valueOf(s.daysLeft())).orElse("-"),
                        row.status().map(s -> s.issuedByThisCa() ? "site CA" : "NOT this site's CA").orElse("none installed"));
            }
            context.result(CertsJson.of(status), () -> table.print(context.out()));
            return status.renewSoon() ? ExitCode.FAILED.code() : ExitCode.OK.code();
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Issue new certificates (fresh keys) and load them without downtime where the service can:",
                "haproxy by a seamless reload, traefik by its file provider re-reading its dynamic file (no restart),"
                        + " MariaDB by FLUSH SSL, RabbitMQ by clearing its PEM cache."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  New keys and certificates for every service:",
                "    oth certs rotate",
                "  Only RabbitMQ's and MinIO's:",
                "    oth certs rotate --service rabbitmq,minio",
                "  The load balancer's and the app nodes' (the mutual TLS between them):",
                "    oth certs rotate --service haproxy,traefik"})
    static final class Rotate extends Step {
        @Mixin
        LockOptions locking;

        @Option(names = "--service", paramLabel = "SERVICE", split = ",", description = "Only these services (${COMPLETION-CANDIDATES}); default: all.")
        Set<NodeLayout.CertifiedService> services;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        /** The CA and secrets are kept in the site's state directory only once the lock is held. */
        @Override
        int run(Context context) throws RemoteException, Installer.InputException {
            PrintWriter out = context.out();
            Set<String> chosen = services == null ? NodeLayout.SERVICE_CERTIFICATES.keySet()
                    : services.stream().map(Enum::name).collect(Collectors.toSet());
            RunReport report = Installer.install(inputs.saved().rotating(chosen), context.connector(),
                    false, context.claim(), OptionRanges.FirewallRevert.byDefault(), out);
            PlanReport.times(report).ifPresent(times -> times.print(out));
            out.printf("rotate: %d change(s), %s%n", report.changes(), report.failed() ? "FAILED" : "ok");
            return report.failed() ? ExitCode.FAILED.code() : ExitCode.OK.code();
        }
    }
}
