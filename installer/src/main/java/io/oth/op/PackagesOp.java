package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Debian packages that must be installed; missing ones are installed with apt-get. */
public record PackagesOp(List<String> packages) implements Operation {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

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
                List<Object> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
                        "--no-install-recommends"));
                argv.addAll(missing);
                CommandResult r = context.host().run(Command.of(argv.toArray()), TIMEOUT);
                if (!r.ok()) {
                    String why = noPackageSource(r.text())
                            ? "no package source offers " + String.join(", ", missing)
                                    + " (an air-gapped site installs from an offline bundle: oth bundle create, then oth install --offline-bundle FILE): " + r.diagnostic()
                            : r.diagnostic();
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
