package io.oth.cli;

import io.oth.lock.Holder;
import io.oth.lock.LockClaim;
import io.oth.lock.LockedException;
import io.oth.lock.SiteLock;
import io.oth.input.Durations;
import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.site.Site;
import io.oth.site.StateDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the commands that change a site share: they run under the site's lock ({@link SiteLock}),
 * so that a second run refuses at once, naming the first, or waits with {@code --lock-wait}.
 */
final class LockOptions {
    @Option(names = "--lock-wait", paramLabel = "DURATION", defaultValue = "0s", converter = OptionRanges.LockWait.class,
            description = "When another oth run is changing this site, wait up to this long for it (30s, 5m, 1h; at most 2h) instead of "
                    + "refusing at once: for this machine's lock of the site, then as long again for the nodes' locks.")
    Duration lockWait;

    /** The work done under the lock: it gets the run's {@link LockClaim}, for the nodes' locks, which it waits for as long. */
    @FunctionalInterface
    interface Locked {
        int run(LockClaim claim) throws IOException;
    }

    /** Runs {@code work} holding the site's lock; without it, says who holds it and exits {@link ExitCode#BUSY}. */
    int run(Site site, CommandSpec spec, PrintWriter err, Progress progress, Locked work) throws IOException {
        Holder me = Holder.thisProcess(spec.qualifiedName(" "));
        SiteLock lock;
        List<Waiting> waiting = new ArrayList<>();
        try (Progress.Activity taking = progress.doing("taking the lock of site " + site.name())) {
            lock = SiteLock.take(site.name(), StateDir.of(site.name()).resolve("lock"), me, lockWait, Clock.systemUTC(), line -> {
                err.println("oth: " + line);
                err.flush();
                waiting.add(taking.waitFor("the lock of site " + site.name() + " (up to " + Durations.format(lockWait) + ")"));
            });
        } catch (LockedException e) {
            err.println("oth: " + e.getMessage() + "; nothing was done");
            return ExitCode.BUSY.code();
        } catch (IOException e) {
            err.println("oth: cannot take the lock of site " + site.name() + ": " + e.getMessage() + "; nothing was done");
            return ExitCode.FAILED.code();
        } finally {
            waiting.forEach(Waiting::close);
        }
        try (lock) {
            return work.run(new LockClaim(lock.holder(), lockWait));
        }
    }
}
