package io.oth.op;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.site.Addresses;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An endpoint this node must reach (an external database, broker or object store). Nothing is
 * changed for it: when it cannot be reached, the plan says so and applying it fails the node, so an
 * install does not finish with an application that cannot work.
 */
public record ReachableOp(String what, String host, int port) implements Operation {
    private static final int SECONDS = 5;

    @Override
    public String subject() {
        return what + " " + Addresses.hostPort(host, port);
    }

    @Override
    public List<Probe> probes() {
        return List.of(Probe.connect(key(), host, port, SECONDS));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(key());
        if (answer.ok()) {
            return Optional.empty();
        }
        String why = answer.exitCode() == 124 ? "no answer within " + SECONDS + " s" : answer.output().strip().lines().findFirst().orElse("no answer")
                .replaceFirst("^bash: (line \\d+: )?", "");
        String summary = "fail: cannot reach " + what + " " + Addresses.hostPort(host, port) + " from here (" + why + ")";
        return Optional.of(Change.of(summary, context -> {
            throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, summary);
        }));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "answers on " + Addresses.hostPort(host, port) + " from this node";
    }

    private String key() {
        return "reach:" + host + ":" + port;
    }
}
