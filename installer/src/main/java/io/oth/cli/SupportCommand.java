package io.oth.cli;

import io.oth.phase.RunReport;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.report.PlanReport;
import io.oth.report.SupportJson;
import io.oth.report.Table;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.input.Durations;
import io.oth.support.SupportAccess;
import io.oth.support.SupportGrant;
import io.oth.support.SupportKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code oth support open|close|status|bundle}: time-limited SSH access for OTH support staff, and what to send them. */
@Command(name = "support", mixinStandardHelpOptions = true,
        description = {"Time-limited SSH access for OTH support staff from the site's support addresses: to the load balancer, "
                + "and from there to the other nodes. It ends by itself (firewall timeout, key expiry, the nodes' own timer) "
                + "or with oth support close.",
            "oth support bundle collects what support needs into one redacted, checked file."},
        subcommands = {SupportCommand.Open.class, SupportCommand.Close.class, SupportCommand.Status.class, SupportBundleCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Let support in for 4 hours, with their key:",
            "    oth support open --key support.pub --for 4h --reason 'ticket 4711'",
            "  Who is in, until when; then end it:",
            "    oth support status && oth support close",
            "  Collect what support needs into one redacted file:",
            "    oth support bundle"})
final class SupportCommand extends CommandGroup implements ConnectsToNodes {
    /** What the subcommands share: the grant service on every node. */
    abstract static class Step extends SiteStep {
        abstract int run(SupportGrant grant, PrintWriter out, PrintWriter err) throws IOException;

        @Override
        final int run(Context context) throws IOException, RemoteException {
            try (Fleet fleet = context.fleet()) {
                return run(new SupportGrant(context.site(), Playbooks.load(), fleet, context.connector().concurrency(), Clock.systemUTC(),
                        context.connector().progress()),
                        context.out(), context.err());
            }
        }

        /** Prints one line per node; the exit code says whether every node did its part. */
        static int report(List<SupportAccess.NodeOutcome> outcomes, PrintWriter out, PrintWriter err) {
            for (SupportAccess.NodeOutcome o : outcomes) {
                if (o.ok()) {
                    out.printf("%-12s %s%n", o.node(), o.said());
                } else {
                    err.printf("oth: %s%n  hint: %s%n", o.said(), o.failure().orElseThrow().failure().hint());
                }
            }
            return ExitCode.worst(outcomes.stream().map(o -> o.failure().map(f -> ExitCode.of(f.failure())).orElse(ExitCode.OK)).toList()).code();
        }
    }

    /**
     * A step that changes the nodes: under the site's lock, on this side and on every node. With
     * {@code --check} it only reads, so it takes no lock.
     */
    abstract static class Changing extends Step {
        @Mixin
        LockOptions locking;

        @Option(names = "--check", description = "Plan only: show what would change on each node, change nothing (exit 6 when changes are pending).")
        boolean check;

        @Override
        Optional<LockOptions> locking() {
            return check ? Optional.empty() : Optional.of(locking);
        }

        abstract int change(SupportGrant support, PrintWriter out, PrintWriter err) throws IOException;

        abstract RunReport plan(SupportGrant support);

        @Override
        int run(SupportGrant support, PrintWriter out, PrintWriter err) throws IOException {
            if (!check) {
                return change(support, out, err);
            }
            RunReport plan = plan(support);
            PlanReport.print(plan, out);
            out.println("Nothing was changed (--check).");
            return ExitCode.of(plan).code();
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true,
            description = {"Let the support staff's keys in from the site's support addresses for a limited time. "
                    + "Run again to extend or shorten the grant (the keys given replace the earlier ones)."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Let support in for 4 hours, with their key:",
                "    oth support open --key support.pub --for 4h --reason 'ticket 4711'",
                "  See what it would change on each node, change nothing:",
                "    oth support open --key support.pub --check"})
    static final class Open extends Changing {
        @Option(names = "--key", required = true, paramLabel = "FILE",
                description = "The support staff's OpenSSH public key(s), one per line (a .pub or authorized_keys file without options).")
        Path keyFile;

        @Option(names = "--for", paramLabel = "LENGTH", defaultValue = "4h", converter = OptionRanges.GrantLength.class,
                description = "How long the access lasts: 4h, 90m, 1h30m, 2d (from 10s to 7d; default ${DEFAULT-VALUE}).")
        Duration length;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
                description = "Why, for the audit logs (this side's and each node's /var/log/oth-support.log).")
        String reason;

        private SupportAccess.Grant grant;

        @Override
        void prepare(Site site) {
            try {
                grant = new SupportAccess.Grant(length, site.supportAddresses(), SupportKeys.read(keyFile), System.getProperty("user.name"), reason.strip());
            } catch (SupportKeys.KeyFileException | IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; nothing was changed", e);
            }
        }

        @Override
        RunReport plan(SupportGrant support) {
            return support.planOpen(grant);
        }

        @Override
        int change(SupportGrant support, PrintWriter out, PrintWriter err) throws IOException {
            SupportGrant.Opened opened = support.open(grant);
            int code = report(opened.outcomes(), out, err);
            if (opened.everywhere()) {
                out.printf("Support access is open until %s (%s) from %s. It ends by itself then; oth support close ends it now.%n",
                        opened.until(), Durations.format(grant.length()), String.join(", ", grant.addresses()));
            } else {
                err.println("oth: support access was not opened: " + (opened.rolledBack() ? "what was opened is closed again" : "nothing was changed"));
            }
            return code;
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "End support access now on every node: keys, sudo rule, firewall addresses and running sessions.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  End support access now, everywhere:",
                "    oth support close"})
    static final class Close extends Changing {
        @Override
        RunReport plan(SupportGrant support) {
            return support.planClose();
        }

        @Override
        int change(SupportGrant support, PrintWriter out, PrintWriter err) throws IOException {
            return report(support.close(), out, err);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show, per node, whether support access is open and until when.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  Whether support access is open, per node, and until when:",
                "    oth support status"})
    static final class Status extends Step {
        @Mixin
        JsonOutput json;

        @Override
        Optional<JsonOutput> json() {
            return Optional.of(json);
        }

        @Override
        int run(SupportGrant support, PrintWriter out, PrintWriter err) {
            Instant now = Instant.now();
            List<SupportAccess.NodeStatus> rows = support.status();
            Table table = new Table("NODE", "SUPPORT", "UNTIL", "KEYS", "SESSIONS", "FIREWALL");
            for (SupportAccess.NodeStatus s : rows) {
                table.row(s.node(), s.state(now), s.until().map(u -> u + (u.isAfter(now) ? " (" + Durations.format(Duration.between(now, u)) + " left)" : ""))
                                .orElse("-"), String.valueOf(s.keys()), String.valueOf(s.sessions()),
                        s.entry() ? (s.addresses().isEmpty() ? "closed" : String.join(", ", s.addresses())) : "-");
            }
            rows.forEach(s -> s.problem().ifPresent(p -> err.println("oth: " + s.node() + ": " + p)));
            boolean open = rows.stream().anyMatch(s -> s.open(now));
            boolean unclean = rows.stream().anyMatch(s -> !s.open(now) && !s.state(now).equals("closed"));
            json.result(SupportJson.of(rows, now), () -> {
                table.print(out);
                out.println(open ? "Support access is open." : unclean ? "Support access is over, but something was left: oth support close removes it."
                        : "Support access is closed.");
            });
            return rows.stream().anyMatch(s -> s.problem().isPresent()) ? ExitCode.UNREACHABLE.code() : ExitCode.OK.code();
        }
    }
}
