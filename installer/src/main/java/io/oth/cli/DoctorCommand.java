package io.oth.cli;

import io.oth.check.Doctor;
import io.oth.check.DoctorReport;
import io.oth.check.NameLookup;
import io.oth.install.Installer;
import io.oth.report.DoctorHtml;
import io.oth.report.DoctorJson;
import io.oth.report.DoctorText;
import io.oth.report.ReportFile;
import io.oth.secret.PrivateFiles;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code oth doctor}: what does not connect, where, why, and what to do. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check reachability, DNS, the port matrix, the application's logins to its services, outbound endpoints, "
                + "certificates and each node's posture, from every vantage point at once. Works before (--preflight) and after an install.",
            "Exit 0 when all is well, 7 with warnings only, 1 when something failed.",
            "Every check, its JSON and its HTML report: ${bundle:" + OthCommand.DOCS + "}/doctor.md."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Check everything; what needs attention first, then a line per area:",
            "    oth doctor",
            "  Before an install: what must be in place for it:",
            "    oth doctor --preflight",
            "  Before an install on an air-gapped site: the packages come from an offline bundle (checked whole here):",
            "    oth doctor --preflight --offline-bundle site-offline.tar",
            "  The ports and service logins as app1 sees them, every check listed:",
            "    oth doctor --only ports,service --node app1 --all"})
final class DoctorCommand implements Callable<Integer>, ConnectsToNodes {
    /** Where the table goes: whether it may be coloured, whether it may use ✓ and ✗. */
    private final Stdout stdout;

    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Mixin
    RunLogOptions runLog;

    @Option(names = "--only", split = ",", paramLabel = "CATEGORY", description = "Only these: ${COMPLETION-CANDIDATES}.")
    Set<Doctor.Category> only;

    @Option(names = "--node", paramLabel = "NAME", description = "Only what is seen from this node (and whether it can be reached).")
    String node;

    /** The findings as the data of schema oth-doctor/2 (docs/json.md) instead of a table. */
    @Mixin
    JsonOutput json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the findings as one self-contained HTML page, "
            + "to send to support (with the JSON inside).")
    Path html;

    @Option(names = "--probe-timeout", paramLabel = "SECONDS", defaultValue = "3", converter = OptionRanges.ProbeTimeout.class,
            description = "How long one probe may take, 1 to 60 (default: ${DEFAULT-VALUE}).")
    int probeSeconds;

    @Option(names = "--preflight", description = "Before an install: only what must be in place for it (SSH reach, the FQDN in DNS, "
            + "the certificate bundle, the outbound endpoints).")
    boolean preflight;

    @Option(names = "--offline-bundle", paramLabel = "FILE", description = "The site installs from this offline bundle (oth bundle create): "
            + "it is checked whole, and outbound.packages reports the nodes' packages as offline instead of asking their package sources.")
    Path offlineBundle;

    @Option(names = "--resolver", paramLabel = "ADDRESS[:PORT]", defaultValue = "${env:OTH_RESOLVER}", converter = OptionRanges.Resolver.class,
            description = "Resolve names from the operator's side with this DNS server instead of this machine's resolver (default: $OTH_RESOLVER).")
    InetSocketAddress resolver;

    @Option(names = "--all", description = "List every check, the ones that passed too, by where it is seen from (the full table).")
    boolean all;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour the verdicts: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: on a terminal whose TERM is not dumb, "
                    + "unless NO_COLOR is set).")
    Stdout.Color color;

    @Option(names = "--list-checks", description = "List every check: its id, what it verifies and where it is seen from; check nothing.")
    boolean listChecks;

    DoctorCommand(Stdout stdout) {
        this.stdout = stdout;
    }

    @Override
    public Integer call() throws IOException {
        return json.version(2).report(this::doctor);
    }

    private int doctor() {
        PrintWriter out = json.human();
        PrintWriter err = spec.commandLine().getErr();
        if (listChecks) {
            DoctorText.checks(out, Doctor.catalogue(Playbooks.load()));
            return ExitCode.OK.code();
        }
        Set<Doctor.Category> categories = only == null ? Set.of() : only;
        Optional<Site> site = options.load(err);
        if (site.isEmpty()) {
            return ExitCode.USAGE.code();
        }
        if (node != null && site.get().node(node).isEmpty()) {
            err.println("oth: --node: " + node + " is not a node of " + site.get().file());
            return ExitCode.USAGE.code();
        }
        Optional<String> offline = Optional.empty();
        if (offlineBundle != null) {
            try {
                offline = Optional.of(Installer.offlineBundle(site.get(), new Installer.Offline(offlineBundle, Optional.empty())).describe());
            } catch (Installer.InputException e) {
                e.problems().forEach(p -> err.println("oth: " + p));
                return ExitCode.USAGE.code();
            }
        }
        runLog.open(site.get(), err);
        Doctor.Context context = new Doctor.Context(site.get(), Playbooks.load(), Clock.systemUTC(), options.connector(site.get()), lookup(),
                StateDir.of(site.get().name()));
        DoctorReport report = new Doctor(context, categories, preflight, probeSeconds).packagesFrom(offline).report(Optional.ofNullable(node));
        String name = site.get().name();
        String fqdn = site.get().fqdn();
        String document = DoctorJson.render(name, fqdn, report.started(), report.seconds(), report.findings());
        if (node == null && categories.isEmpty() && !preflight) {
            keepAsLast(context.stateDir(), document, err);
        }
        json.result(DoctorJson.content(name, fqdn, report.started(), report.seconds(), report.findings()),
                () -> DoctorText.findings(out, report, all, stdout.style(color)));
        if (html != null) {
            try {
                ReportFile.write(html, DoctorHtml.render(site.get(), report.started(), report.seconds(), report.findings(), VersionProvider.version()));
            } catch (IOException e) {
                err.println("oth: --html: " + e.getMessage());
                return ExitCode.USAGE.code();
            }
        }
        return ExitCode.of(report.worst()).code();
    }

    /** A whole run's findings, kept for a support bundle made while the nodes cannot be reached. */
    private static void keepAsLast(Path stateDir, String document, PrintWriter err) {
        try {
            PrivateFiles.write(stateDir.resolve(StateDir.LAST_DOCTOR), document);
        } catch (IOException e) {
            err.println("oth: warning: could not keep this run's findings for a support bundle: " + e.getMessage());
        }
    }

    private NameLookup lookup() {
        return resolver == null ? NameLookup.system() : NameLookup.at(resolver, java.time.Duration.ofSeconds(probeSeconds));
    }
}
