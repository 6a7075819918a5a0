package io.oth.cli;

import io.oth.fleet.FleetConnector;
import io.oth.install.Installer;
import io.oth.progress.Display;
import io.oth.remote.ConnectOptions;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.runlog.DebugLog;
import io.oth.site.KeySources;
import io.oth.site.Site;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The options every command that connects to a site's nodes shares: the site file, and how to reach the nodes. */
public final class SiteOptions {
    @Mixin
    SiteFile file;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "known_hosts file (default: the site's ssh.known_hosts, else ~/.config/oth/known_hosts).")
    Path knownHosts;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", converter = OptionRanges.Timeout.class,
            description = "Connect and command timeout, 1 to 600 (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "30", converter = OptionRanges.Concurrency.class,
            description = "Nodes handled at once, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    /** Where the remote commands of this run are traced. */
    private final DebugLog debugLog;

    SiteOptions(DebugLog debugLog) {
        this.debugLog = debugLog;
    }

    SiteOptions() {
        this(DebugLog.NONE);
    }

    /** ssh_config and ssh-agent, read before anything connects; empty after printing ssh_config's problems to {@code err}. */
    public Optional<KeySources> keySources(PrintWriter err) {
        return file.sshConfig.keySources(err);
    }

    /** The site, or empty after printing every problem to {@code err}. */
    public Optional<Site> load(PrintWriter err) {
        return file.load(err);
    }

    /** The site and what an install uploads, checked on this side; empty after printing every problem to {@code err}. */
    public Optional<Installer.Inputs> inputs(PrintWriter err) {
        return inputs(err, Optional.empty());
    }

    /** Like {@link #inputs(PrintWriter)}, with the packages and bundles from an offline bundle when one is given. */
    public Optional<Installer.Inputs> inputs(PrintWriter err, Optional<Installer.Offline> offline) {
        Optional<Site> site = load(err);
        if (site.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Installer.prepare(site.get(), Clock.systemUTC(), offline));
        } catch (Installer.InputException e) {
            return refused(err, e);
        }
    }

    /** {@code inputs} with the site's CA and secrets kept in its state directory; empty after printing why they cannot be. */
    static Optional<Installer.Inputs> saved(Installer.Inputs inputs, PrintWriter err) {
        try {
            return Optional.of(inputs.saved());
        } catch (Installer.InputException e) {
            return refused(err, e);
        }
    }

    /** Prints every problem of what an install would upload; nothing is. */
    static <T> Optional<T> refused(PrintWriter err, Installer.InputException e) {
        e.problems().forEach(p -> err.println("oth: " + p));
        err.println("oth: nothing was uploaded");
        return Optional.empty();
    }

    /** Prints why a host could not be used, with the hint, and gives the exit code that says so. */
    static int failed(PrintWriter err, RemoteException e) {
        err.println("oth: " + e.getMessage());
        err.println("  hint: " + e.failure().hint());
        return ExitCode.of(e.failure()).code();
    }

    /** How this run reaches the site's nodes: strict host keys, this run's timeout and concurrency. */
    public FleetConnector connector(Site site) {
        return connector(site, HostKeyTrust.REFUSE);
    }

    /** {@link #connector(Site)}, its services showing what they do on {@code display}, which a passphrase prompt keeps quiet. */
    FleetConnector connector(Site site, Display display) {
        return FleetConnector.ssh(connectOptions(site, HostKeyTrust.REFUSE).withPassphrase(() -> display.asking(SiteOptions::passphrase)))
                .reporting(display.progress());
    }

    /** How this run reaches the site's nodes, deciding on host keys it does not know as {@code trust} says. */
    public FleetConnector connector(Site site, HostKeyTrust trust) {
        return FleetConnector.ssh(connectOptions(site, trust));
    }

    /** How long one remote command may take. */
    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    public ConnectOptions connectOptions(Site site, HostKeyTrust trust) {
        Path hosts = knownHosts != null ? knownHosts : site.knownHosts().orElseGet(SiteOptions::defaultKnownHosts);
        return new ConnectOptions(hosts, Duration.ofSeconds(timeoutSeconds), concurrency, trust, SiteOptions::passphrase, debugLog,
                file.sshConfig.keySources());
    }

    private static Path defaultKnownHosts() {
        String config = System.getenv("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() ? Path.of(config) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("oth").resolve("known_hosts");
    }

    /** The key passphrase: from the environment, else from the terminal without echo, else none. */
    private static char[] passphrase() {
        String fromEnv = System.getenv(ConnectOptions.PASSPHRASE_VARIABLE);
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        if (System.console() != null) {
            return System.console().readPassword("Passphrase for the SSH key: ");
        }
        return new char[0];
    }
}
