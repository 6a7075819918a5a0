package io.oth.cli;

import io.oth.install.Installer;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.rotation.CredentialRotation;
import io.oth.secret.Secret;
import io.oth.site.Playbooks;
import io.oth.upgrade.RollingUpgrade;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.Site;
import io.oth.site.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth secrets ...}: the credentials oth is given rather than generates. */
@Command(name = "secrets", description = "Manage the site's credentials: set those of external storage services, rotate those oth makes.",
        subcommands = {SecretsCommand.Set.class, SecretsCommand.Rotate.class},
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  Type the external database's password (not shown):",
            "    oth secrets set external.database.password",
            "  Read the object storage's secret key from a file:",
            "    oth secrets set external.objects.secret_key < secret_key.txt",
            "  New credentials for the application, without downtime:",
            "    oth secrets rotate"})
final class SecretsCommand extends CommandGroup implements ConnectsToNodes {
    /** Where a secret's value comes from: never the command line. */
    interface ValueSource {
        /** The value, or empty when there is none to read. */
        Optional<String> read(String prompt) throws IOException;

        /** A terminal without echo when there is one, else one line of standard input. */
        static ValueSource system() {
            return prompt -> {
                if (System.console() != null) {
                    char[] typed = System.console().readPassword("%s", prompt);
                    return Optional.ofNullable(typed).map(chars -> {
                        String value = new String(chars);
                        Arrays.fill(chars, ' ');
                        return value;
                    });
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return Optional.ofNullable(in.readLine());
            };
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Replace the application's credentials on the storage services oth runs, without downtime.",
                "Each service has two application accounts used in turn: the idle one gets a fresh password and the application's grants, "
                + "the app nodes move to it one at a time (drained in haproxy, settings and password file written, restarted, "
                + "health-checked, put back), then the old one is locked. A run that stops halfway is resumed by running it again; "
                + "oth install afterwards changes nothing. Passwords go to the nodes on stdin or as 0600 files, never on a command line."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  New credentials for every service:",
                "    oth secrets rotate",
                "  Only the database's:",
                "    oth secrets rotate --service database",
                "  Also MinIO's root credentials (MinIO restarts):",
                "    oth secrets rotate --service-secrets"})
    static final class Rotate extends SiteStep {
        @Mixin
        LockOptions locking;

        @Option(names = "--service", paramLabel = "SERVICE", split = ",",
                description = "Only these services: all (the default), database, broker or objects.")
        List<String> services = List.of("all");

        @Option(names = "--service-secrets", description = "Then also the services' own secrets, one service at a time, each with the restart it needs: "
                + "MinIO's root credentials (MinIO restarts); RabbitMQ's Erlang cookie and oth's RabbitMQ administrator are not rotated yet "
                + "(docs/credentials.md). "
                + "The application's checks of a restarting service fail meanwhile.")
        boolean serviceSecrets;

        private Installer.Inputs inputs;
        private java.util.Set<CredentialRotation.Service> chosen;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Override
        void prepare(Site site) throws Installer.InputException {
            chosen = CredentialRotation.parse(services);
            inputs = Installer.prepare(site, Clock.systemUTC());
        }

        /** The secrets are opened for writing only once the site's lock is held. */
        @Override
        int run(Context context) throws IOException, RemoteException, RollingUpgrade.UpgradeException, Installer.InputException {
            try (Fleet fleet = context.fleet()) {
                CredentialRotation rotation = new CredentialRotation(inputs.saved(), Playbooks.load(), fleet, context.connector().concurrency(),
                        context::say, Clock.systemUTC(), context.connector().progress());
                List<String> done = new java.util.ArrayList<>(rotation.rotate(chosen));
                if (serviceSecrets) {
                    done.addAll(rotation.rotateServiceSecrets(chosen));
                }
                done.forEach(context::say);
                context.say("rotate: " + (done.isEmpty() ? "nothing oth runs to rotate" : done.size() + " rotation(s) done"));
                return ExitCode.OK.code();
            } catch (SecretsException e) {
                context.err().println("oth: " + e.getMessage());
                return ExitCode.FAILED.code();
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Save a credential in the site's secrets file (0600). The value is read without echo from the terminal, "
                    + "or as one line of standard input; never from the command line.",
                "NAME: external.database.password, external.broker.password or external.objects.secret_key."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Type the external database's password (not shown):",
                "    oth secrets set external.database.password",
                "  Read the object storage's secret key from a file:",
                "    oth secrets set external.objects.secret_key < secret_key.txt"})
    static final class Set implements Callable<Integer> {
        private final ValueSource source;

        @Spec
        CommandSpec spec;

        /** It writes this side's secrets file only: no connection options. */
        @Mixin
        SiteFile siteFile;

        @Parameters(paramLabel = "NAME", description = "The secret's name.")
        String name;

        Set(ValueSource source) {
            this.source = source;
        }

        @Override
        public Integer call() throws IOException {
            var err = spec.commandLine().getErr();
            Optional<ExternalSecret> secret = ExternalSecret.named(name);
            if (secret.isEmpty()) {
                err.println("oth: " + name + " is not a secret you set (expected one of "
                        + String.join(", ", Arrays.stream(ExternalSecret.values()).map(ExternalSecret::secretName).toList()) + ")");
                return ExitCode.USAGE.code();
            }
            Optional<Site> site = siteFile.load(err);
            if (site.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            Optional<String> value = source.read(secret.get().description() + ": ").filter(v -> !v.isEmpty());
            if (value.isEmpty()) {
                err.println("oth: no value given for " + name + "; nothing was saved");
                return ExitCode.USAGE.code();
            }
            try {
                Secrets secrets = Secrets.open(StateDir.of(site.get().name()).resolve("secrets.yml"));
                secrets.put(name, Secret.of(value.get()));
                spec.commandLine().getOut().println(name + " saved in " + secrets.file());
            } catch (SecretsException e) {
                err.println("oth: " + e.getMessage());
                return ExitCode.FAILED.code();
            }
            return ExitCode.OK.code();
        }
    }
}
