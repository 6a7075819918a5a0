package io.oth.cli;

import io.oth.bundle.BundleAnalysis;
import io.oth.bundle.BundleInspection;
import io.oth.bundle.SupportBundle;
import io.oth.check.Verdict;
import io.oth.progress.Display;
import io.oth.report.ReportFile;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code oth support bundle}: make a support bundle, or look into one (--inspect, --analyze). */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = {"Collect what OTH support needs from every node (through the bastion, all at once) and from this side into one "
                + ".tar.gz (0600). Each node redacts its part before it leaves it; the finished bundle is then checked against every "
                + "secret of the site in every encoding, and is not written when one is found.",
            "--inspect lists a bundle and checks it again; --analyze reads a bundle's doctor data again and writes the HTML report."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Collect the last day's logs and checks from every node:",
            "    oth support bundle",
            "  A week of one node's logs, into a named file:",
            "    oth support bundle --since 7d --node app1 --out app1.tar.gz",
            "  See what a bundle holds before you send it:",
            "    oth support bundle --inspect oth-bundle-lab-20261203T120000Z.tar.gz"})
final class SupportBundleCommand implements Callable<Integer> {
    /** Redaction rules to switch off, for the test that proves the final check catches what they would have removed. */
    static final String DISABLE_PROPERTY = "oth.test.disable-redaction";

    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Mixin
    RunLogOptions runLog;

    @Mixin
    ProgressOptions progress;

    @Option(names = "--since", paramLabel = "LENGTH", defaultValue = "24h", converter = OptionRanges.BundleWindow.class,
            description = "How far back logs go: 24h, 90m, 7d (from 10m to 30d; default ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = "--node", paramLabel = "NAME", description = "Only this node (and this side).")
    String node;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the bundle goes (default: oth-bundle-SITE-TIME.tar.gz here).")
    Path outFile;

    @Option(names = "--inspect", paramLabel = "BUNDLE", description = "List a bundle's contents and check it again against the site's secrets.")
    Path inspect;

    @Option(names = "--analyze", paramLabel = "BUNDLE", description = "Analyse a bundle's doctor data again, offline, and write the HTML report "
            + "(no site file needed).")
    Path analyze;

    @Option(names = "--html", paramLabel = "FILE", description = "With --analyze: where the report goes (default: BUNDLE.html).")
    Path html;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (inspect != null && analyze != null) {
            err.println("oth: --inspect and --analyze: one at a time");
            return ExitCode.USAGE.code();
        }
        if (analyze != null) {
            return analyze(out, err);
        }
        Optional<Site> site = options.load(err);
        if (site.isEmpty()) {
            return ExitCode.USAGE.code();
        }
        if (inspect != null) {
            return inspect(site.get(), out, err);
        }
        if (node != null && site.get().node(node).isEmpty()) {
            err.println("oth: --node: " + node + " is not a node of " + site.get().file());
            return ExitCode.USAGE.code();
        }
        runLog.open(site.get(), err);
        Set<String> disabled = Optional.ofNullable(System.getProperty(DISABLE_PROPERTY)).map(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(r -> r.matches("[a-z-]{1,40}")).collect(Collectors.toSet())).orElse(Set.of());
        if (!disabled.isEmpty()) {
            err.println("oth: warning: -D" + DISABLE_PROPERTY + " switches off redaction rules " + disabled + " (for a test)");
        }
        SupportBundle.Outcome outcome;
        try (Display display = progress.show(spec.qualifiedName(" "), false, "collecting")) {
            outcome = new SupportBundle(site.get(), Playbooks.load(), options.connector(site.get(), display), Clock.systemUTC(),
                    VersionProvider.version(), line -> say(out, line))
                    .make(new SupportBundle.Request(since, Optional.ofNullable(node), Optional.ofNullable(outFile), disabled));
        }
        outcome.nodes().forEach(p -> p.problem().ifPresent(why -> err.println("oth: " + p.node() + " is missing from the bundle: " + why)));
        if (!outcome.leaks().isEmpty()) {
            outcome.leaks().forEach(leak -> err.println("oth: " + leak));
            err.println("oth: no bundle was written: it would have carried a secret of the site (" + outcome.leaks().size()
                    + " found; the lines above name where, never what)");
            return ExitCode.FAILED.code();
        }
        Path written = outcome.written().orElseThrow();
        long missing = outcome.nodes().stream().filter(p -> p.problem().isPresent()).count();
        out.printf("Wrote %s (%d bytes, 0600): %d of %d nodes, %d values redacted; checked: none of the site's secrets is in it.%n",
                written, outcome.bytes(), outcome.nodes().size() - missing, outcome.nodes().size(), outcome.redacted());
        out.println("See what it holds with: oth support bundle --inspect " + written);
        return missing == 0 ? ExitCode.OK.code() : ExitCode.UNREACHABLE.code();
    }

    private int inspect(Site site, PrintWriter out, PrintWriter err) throws IOException {
        BundleInspection inspection;
        try {
            inspection = BundleInspection.inspect(inspect, site);
        } catch (BundleInspection.Unreadable e) {
            err.println("oth: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        inspection.print(out);
        inspection.leaks().forEach(leak -> err.println("oth: " + leak));
        if (!inspection.leaks().isEmpty()) {
            err.println("oth: this bundle carries " + inspection.leaks().size() + " of the site's secrets: do not send it");
            return ExitCode.FAILED.code();
        }
        out.println("Checked: none of the site's secrets is in it.");
        return ExitCode.OK.code();
    }

    private int analyze(PrintWriter out, PrintWriter err) throws IOException {
        BundleAnalysis analysis;
        try {
            analysis = BundleAnalysis.analyze(analyze);
        } catch (BundleInspection.Unreadable e) {
            err.println("oth: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        Path report = html != null ? html : analyze.resolveSibling(analyze.getFileName() + ".html");
        ReportFile.write(report, analysis.html(VersionProvider.version()));
        out.printf("%s: site %s, collected %s; %s%n", analyze, analysis.site().name(), analysis.collected(), analysis.summary());
        out.println("Wrote " + report);
        return analysis.worst() == Verdict.FAIL ? ExitCode.FAILED.code() : analysis.worst() == Verdict.WARN ? ExitCode.WARNINGS.code() : ExitCode.OK.code();
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
