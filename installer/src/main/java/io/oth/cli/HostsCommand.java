package io.oth.cli;

import io.oth.fleet.FleetConnector;
import io.oth.fact.NodeSurvey;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code oth hosts ...}: the SSH host keys oth trusts. */
@Command(name = "hosts", description = "Manage the SSH host keys oth trusts.", subcommands = HostsCommand.Trust.class,
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  Confirm each unknown host key on the terminal, comparing its fingerprint:",
            "    oth hosts trust",
            "  Trust the keys a known_hosts file from your records lists:",
            "    oth hosts trust --from known_hosts.site"})
final class HostsCommand extends CommandGroup implements ConnectsToNodes {
    @Command(name = "trust", mixinStandardHelpOptions = true,
            description = {"Connect to the bastion and every node; show each unknown host key's SHA256 fingerprint and "
                    + "record it once a person confirms it (or when --from lists it). A changed key is never replaced."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Confirm each unknown host key on the terminal, comparing its fingerprint:",
                "    oth hosts trust",
                "  Trust the keys a known_hosts file from your records lists:",
                "    oth hosts trust --from known_hosts.site"})
    static final class Trust extends SiteStep {
        private final Prompter prompter;

        /** Recording keys changes what oth trusts for this site: one such run at a time, on this side (nodes are only read). */
        @Mixin
        LockOptions locking;

        @Option(names = "--from", paramLabel = "FILE",
                description = "Trust exactly the keys this OpenSSH known_hosts file lists (no questions asked).")
        Path from;

        Trust(Prompter prompter) {
            this.prompter = prompter;
        }

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        /** It asks a person about each unknown key: no status lines may draw over the question. */
        @Override
        boolean showsProgress() {
            return false;
        }

        /** A node that refuses is named without a hint: what is asked here is which keys to trust, and the rest go on. */
        @Override
        int run(Context context) throws IOException {
            Site site = context.site();
            PrintWriter out = context.out();
            PrintWriter err = context.err();
            List<String> trusted = new CopyOnWriteArrayList<>();
            HostKeyTrust decide;
            try {
                decide = from != null ? FleetConnector.trustFrom(from) : this::ask;
            } catch (IOException e) {
                err.println("oth: --from " + (e instanceof NoSuchFileException ? from + ": no such file" : e.getMessage()) + "; nothing was trusted");
                return ExitCode.USAGE.code();
            }
            HostKeyTrust recording = (label, address, type, fingerprint) -> {
                boolean yes = decide.confirm(label, address, type, fingerprint);
                if (yes) {
                    trusted.add(label + " (" + address + ") " + type + " " + fingerprint);
                }
                return yes;
            };
            int code;
            try {
                List<NodeSurvey.Row> rows = NodeSurvey.survey(site, options.connector(site, recording), options.timeout());
                code = ExitCode.worst(rows.stream()
                        .map(r -> r.failure().map(f -> ExitCode.of(f.failure())).orElse(ExitCode.OK)).toList()).code();
                rows.forEach(r -> r.failure().ifPresent(f -> err.println("oth: " + f.getMessage())));
            } catch (RemoteException e) {
                err.println("oth: " + e.getMessage());
                code = ExitCode.of(e.failure()).code();
            }
            trusted.forEach(t -> out.println("trusted " + t));
            out.printf("%d new host key(s) recorded in %s%n", trusted.size(),
                    options.connectOptions(site, HostKeyTrust.REFUSE).knownHosts());
            return code;
        }

        private boolean ask(String label, String address, String type, String fingerprint) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s (%s) offers this %s host key:%n  %s%n", label, address, type, fingerprint);
            out.flush();
            Optional<String> answer = prompter.ask("Is this the key you expect (compare it out of band)? [y/N] ");
            if (answer.isEmpty()) {
                spec.commandLine().getErr().println("oth: no terminal to confirm the key of " + label
                        + "; run oth hosts trust on a terminal, or give --from KNOWN_HOSTS_FILE");
                return false;
            }
            return answer.get().trim().equalsIgnoreCase("y") || answer.get().trim().equalsIgnoreCase("yes");
        }
    }
}
