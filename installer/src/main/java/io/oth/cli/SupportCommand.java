package io.oth.cli;

import io.oth.fleet.FleetConnector;
import io.oth.lock.Holder;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.report.Table;
import io.oth.secret.PrivateFiles;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;
import io.oth.support.Durations;
import io.oth.support.SupportAccess;
import io.oth.support.SupportKeys;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth support open|close|status}: time-limited SSH access for OTH support staff. */
@Command(name = "support", mixinStandardHelpOptions = true,
        description = {"Time-limited SSH access for OTH support staff from the site's support addresses: to the load balancer, "
                + "and from there to the other nodes. It ends by itself (firewall timeout, key expiry, the nodes' own timer) "
                + "or with oth support close."},
        subcommands = {SupportCommand.Open.class, SupportCommand.Close.class, SupportCommand.Status.class})
final class SupportCommand extends CommandGroup {
    /** What the subcommands share: the site, the fleet, the audit log. */
    abstract static class Step implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SiteOptions options;

        abstract int run(Site site, Fleet fleet, FleetConnector connect, PrintWriter out, PrintWriter err) throws IOException;

        /**
         * The lock options of a step that changes the nodes (open, close): it runs under the site's
         * lock, on this side and on every node. A step that only reads takes no lock.
         */
        Optional<LockOptions> locking() {
            return Optional.empty();
        }

        /** Checks this side's input before any node is touched; empty when all is well, else the problem. */
        Optional<String> check(Site site) {
            return Optional.empty();
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<Site> site = options.load(err);
            if (site.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            Optional<String> problem = check(site.get());
            if (problem.isPresent()) {
                err.println("oth: " + problem.get() + "; nothing was changed");
                return ExitCode.USAGE.code();
            }
            if (locking().isEmpty()) {
                return connected(site.get(), Optional.empty());
            }
            return locking().get().run(site.get(), spec, err, holder -> connected(site.get(), Optional.of(holder)));
        }

        private int connected(Site site, Optional<Holder> holder) throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            FleetConnector connector = options.connector(site);
            try (Fleet fleet = connector.connect(site, site.nodes(), holder, out::println)) {
                return run(site, fleet, connector, out, err);
            } catch (RemoteException e) {
                return SiteOptions.failed(err, e);
            }
        }

        static Path auditLog(Site site) {
            return StateDir.of(site.name()).resolve("support.log");
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

    @Command(name = "open", mixinStandardHelpOptions = true,
            description = {"Let the support staff's keys in from the site's support addresses for a limited time. "
                    + "Run again to extend or shorten the grant (the keys given replace the earlier ones)."})
    static final class Open extends Step {
        @Mixin
        LockOptions locking;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

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
        Optional<String> check(Site site) {
            try {
                SupportKeys keys = SupportKeys.read(keyFile);
                grant = new SupportAccess.Grant(length, site.supportAddresses(), keys, System.getProperty("user.name"), reason.strip());
                return Optional.empty();
            } catch (SupportKeys.KeyFileException | IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        }

        @Override
        int run(Site site, Fleet fleet, FleetConnector connect, PrintWriter out, PrintWriter err) throws IOException {
            Instant now = Instant.now();
            List<SupportAccess.NodeOutcome> outcomes = SupportAccess.open(site, Playbooks.load(), fleet, grant, now, connect.concurrency());
            boolean all = outcomes.stream().allMatch(SupportAccess.NodeOutcome::ok);
            PrivateFiles.append(auditLog(site), now + " open for " + Durations.format(grant.length()) + " until " + now.plus(grant.length())
                    + " from " + String.join(", ", grant.addresses()) + " keys " + String.join(", ",
                    grant.keys().keys().stream().map(k -> k.fingerprint() + (k.comment().isEmpty() ? "" : " (" + k.comment() + ")")).toList())
                    + " by " + grant.by() + (all ? "" : " [not on every node]") + (grant.reason().isEmpty() ? "" : ": " + grant.reason()));
            int code = report(outcomes, out, err);
            if (all) {
                out.printf("Support access is open until %s (%s) from %s. It ends by itself then; oth support close ends it now.%n",
                        now.plus(grant.length()), Durations.format(grant.length()), String.join(", ", grant.addresses()));
            } else {
                err.println("oth: support access was not opened: " + (outcomes.stream().anyMatch(o -> o.said().startsWith("rolled back"))
                        ? "what was opened is closed again" : "nothing was changed"));
            }
            return code;
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "End support access now on every node: keys, sudo rule, firewall addresses and running sessions.")
    static final class Close extends Step {
        @Mixin
        LockOptions locking;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Override
        int run(Site site, Fleet fleet, FleetConnector connect, PrintWriter out, PrintWriter err) throws IOException {
            List<SupportAccess.NodeOutcome> outcomes = SupportAccess.close(fleet, connect.concurrency());
            PrivateFiles.append(auditLog(site), Instant.now() + " close by " + System.getProperty("user.name")
                    + (outcomes.stream().allMatch(SupportAccess.NodeOutcome::ok) ? "" : " [not on every node]"));
            return report(outcomes, out, err);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show, per node, whether support access is open and until when.")
    static final class Status extends Step {
        @Override
        int run(Site site, Fleet fleet, FleetConnector connect, PrintWriter out, PrintWriter err) {
            Instant now = Instant.now();
            List<SupportAccess.NodeStatus> rows = SupportAccess.status(Playbooks.load(), fleet, connect.concurrency());
            Table table = new Table("NODE", "SUPPORT", "UNTIL", "KEYS", "SESSIONS", "FIREWALL");
            for (SupportAccess.NodeStatus s : rows) {
                table.row(s.node(), s.state(now), s.until().map(u -> u + (u.isAfter(now) ? " (" + Durations.format(Duration.between(now, u)) + " left)" : ""))
                                .orElse("-"), String.valueOf(s.keys()), String.valueOf(s.sessions()),
                        s.entry() ? (s.addresses().isEmpty() ? "closed" : String.join(", ", s.addresses())) : "-");
            }
            table.print(out);
            rows.forEach(s -> s.problem().ifPresent(p -> err.println("oth: " + s.node() + ": " + p)));
            boolean open = rows.stream().anyMatch(s -> s.open(now));
            boolean unclean = rows.stream().anyMatch(s -> !s.open(now) && !s.state(now).equals("closed"));
            out.println(open ? "Support access is open." : unclean ? "Support access is over, but something was left: oth support close removes it."
                    : "Support access is closed.");
            return rows.stream().anyMatch(s -> s.problem().isPresent()) ? ExitCode.UNREACHABLE.code() : ExitCode.OK.code();
        }
    }
}
