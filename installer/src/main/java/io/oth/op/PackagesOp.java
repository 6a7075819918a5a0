package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian packages that must be installed; missing ones are installed with apt-get. */
public record PackagesOp(List<String> packages) implements Operation {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /**
     * How long apt waits for the package manager's lock that another program holds: on a node just
     * set up, unattended-upgrades (or another apt) often installs updates for some minutes, and an
     * apt-get that does not wait fails at once ("Could not get lock").
     */
    public static final Duration LOCK_WAIT = Duration.ofMinutes(5);
    /** apt-get's words for a lock another program holds: the lock file, the process and its name. */
    private static final Pattern LOCK_HELD = Pattern.compile("Could not get lock (\\S+?)\\.? It is held by process (\\d+) \\(([^)]{1,40})\\)");

    /** The apt-get option that makes it wait {@link #LOCK_WAIT} for the lock (apt 1.9.11 and later: Debian 11 on). */
    public static List<String> waitForLock() {
        return List.of("-o", "DPkg::Lock::Timeout=" + LOCK_WAIT.toSeconds());
    }

    /**
     * apt-get's failure said in oth's words where it is one oth knows: the lock still held after
     * {@link #LOCK_WAIT} (by whom, as apt names it), or else its own diagnostic.
     */
    public static String why(CommandResult r) {
        Matcher held = LOCK_HELD.matcher(r.text());
        if (held.find()) {
            return "the package manager stayed busy for " + LOCK_WAIT.toMinutes() + " min: " + NodeText.shown(held.group(3), 40) + " (process " + held.group(2)
                    + ") holds " + NodeText.shown(held.group(1)) + "; let it finish (unattended-upgrades installing updates?) and run oth again";
        }
        if (r.text().contains("Could not get lock")) {
            return "the package manager stayed busy for " + LOCK_WAIT.toMinutes() + " min (another apt or dpkg holds its lock); let it finish and run oth again: "
                    + r.diagnostic();
        }
        return r.diagnostic();
    }

    /** apt-get's ways of saying that no configured source can deliver a package. */
    static boolean noPackageSource(String aptOutput) {
        return aptOutput.contains("Unable to locate package") || aptOutput.contains("has no installation candidate")
                || aptOutput.contains("Temporary failure resolving") || aptOutput.contains("Failed to fetch");
    }

    @Override
    public String subject() {
        return "packages " + String.join(" ", packages);
    }

    @Override
    public List<Probe> probes() {
        List<String> quoted = packages.stream().map(Command::quote).toList();
        return List.of(Probe.inShell("packages", "dpkg-query -W -f='${Package} ${db:Status-Status}\\n' " + String.join(" ", quoted)
                + " 2>/dev/null; true"));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        List<String> installed = answers.get("packages").output().lines()
                .filter(l -> l.endsWith(" installed")).map(l -> l.split(" ")[0].replaceFirst(":.*", "")).toList();
        List<String> missing = new ArrayList<>(packages);
        missing.removeAll(installed);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Change() {
            @Override
            public String summary() {
                return "install packages " + String.join(" ", missing);
            }

            @Override
            public void apply(ApplyContext context) throws RemoteException {
                List<Object> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get"));
                argv.addAll(waitForLock());
                argv.addAll(List.of("install", "-y", "-q", "--no-install-recommends"));
                argv.addAll(missing);
                CommandResult r = context.host().run(Command.of(argv.toArray()), TIMEOUT);
                if (!r.ok()) {
                    String why = noPackageSource(r.text())
                            ? "no package source offers " + String.join(", ", missing)
                                    + " (an air-gapped site installs from an offline bundle: oth bundle create, then oth install --offline-bundle FILE): " + r.diagnostic()
                            : why(r);
                    throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "installing " + String.join(" ", missing) + ": " + why);
                }
            }
        });
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "installed already: " + String.join(" ", packages);
    }
}
