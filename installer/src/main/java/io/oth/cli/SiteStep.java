package io.oth.cli;

import io.oth.ca.CaException;
import io.oth.fleet.FleetConnector;
import io.oth.install.Installer;
import io.oth.lock.LockClaim;
import io.oth.progress.Display;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.site.Site;
import io.oth.upgrade.RollingUpgrade;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What every command that acts on a site's nodes shares: load the site, check this side's input,
 * open the run's log, take the site's lock when the command changes the site, and turn what went wrong into an exit
 * code, here and nowhere else. A subclass parses its options, calls one service in {@link #run}
 * and renders what the service answers.
 */
abstract class SiteStep implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SiteOptions options;

    @Mixin
    RunLogOptions runLog;

    @Mixin
    ProgressOptions progress;

    /**
     * What a step runs with: the site, the way to its nodes, the run's lock (when it takes one), where
     * to print for a person ({@code out} is stderr under {@code --json}) and the step's {@code --json}, if it has one.
     */
    record Context(Site site, FleetConnector connector, Optional<LockClaim> claim, PrintWriter out, PrintWriter err, Optional<JsonOutput> json) {
        /** Every node, with their locks taken when the run holds the site's lock. */
        Fleet fleet() throws RemoteException {
            return connector.connect(site, site.nodes(), claim, this::say);
        }

        /** A progress line, whole and at once even when workers print at the same time. */
        void say(String line) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }

        /** The step's result: kept for the JSON document under {@code --json}, else shown to a person by {@code human}. */
        void result(Object data, Runnable human) {
            json.ifPresentOrElse(j -> j.result(data, human), human);
        }
    }

    /**
     * The lock options of a step that changes the site: it runs under the site's lock, on this side
     * and on every node it reaches. A step that only reads takes no lock.
     */
    Optional<LockOptions> locking() {
        return Optional.empty();
    }

    /**
     * Checks this side's input before any node is touched: an {@link IllegalArgumentException} says
     * what is wrong, an {@link Installer.InputException} lists what an install could not upload.
     */
    void prepare(Site site) throws Installer.InputException {
    }

    /** The step's {@code --json}, for a step that reports: its document is printed whatever the step ends with. */
    Optional<JsonOutput> json() {
        return Optional.empty();
    }

    /** Whether status lines may show what the step does: not for a step that asks a person at the terminal. */
    boolean showsProgress() {
        return true;
    }

    abstract int run(Context context) throws IOException, RemoteException, RollingUpgrade.UpgradeException, Installer.InputException, CaException;

    @Override
    public final Integer call() throws IOException {
        Optional<JsonOutput> json = json();
        return json.isPresent() ? json.get().report(this::step) : step();
    }

    private int step() throws IOException {
        boolean plain = !showsProgress() || json().map(j -> j.on).orElse(false);
        try (Display display = progress.show(spec.qualifiedName(" "), plain, "reading the site file")) {
            return step(display);
        }
    }

    private int step(Display shown) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<Site> loaded = options.load(err);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE.code();
        }
        Site site = loaded.get();
        try {
            prepare(site);
        } catch (IllegalArgumentException e) {
            err.println("oth: " + e.getMessage());
            return ExitCode.USAGE.code();
        } catch (Installer.InputException e) {
            SiteOptions.refused(err, e);
            return ExitCode.USAGE.code();
        }
        runLog.open(site, err);
        Optional<LockOptions> lock = locking();
        return lock.isEmpty() ? run(site, Optional.empty(), shown)
                : lock.get().run(site, spec, err, shown.progress(), claim -> run(site, Optional.of(claim), shown));
    }

    private int run(Site site, Optional<LockClaim> claim, Display shown) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Optional<JsonOutput> json = json();
            PrintWriter out = json.map(JsonOutput::human).orElse(spec.commandLine().getOut());
            return run(new Context(site, options.connector(site, shown), claim, out, err, json));
        } catch (RollingUpgrade.UpgradeException e) {
            err.println("oth: " + e.getMessage());
            e.notes().forEach(err::println);
            return ExitCode.of(e.failure()).code();
        } catch (Installer.InputException e) {
            SiteOptions.refused(err, e);
            return ExitCode.USAGE.code();
        } catch (CaException e) {
            err.println("oth: " + e.getMessage());
            return ExitCode.FAILED.code();
        } catch (RemoteException e) {
            return SiteOptions.failed(err, e);
        }
    }
}
