package io.oth.install;

import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A port that must listen on loopback only (epmd, 4369): when something listens on it on another
 * address, {@code fix} restarts it so that it binds as configured.
 */
public record LoopbackOnlyOp(int port, String what, String fix) implements Operation {

    @Override
    public String subject() {
        return what + " on loopback only";
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), "ss -ltnH 'sport = :" + port + "' | awk '{print $4}'"));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        List<String> exposed = answers.get(key()).output().lines().map(String::strip)
                .filter(a -> !a.isEmpty() && !a.startsWith("127.") && !a.startsWith("[::1]")).toList();
        if (exposed.isEmpty()) {
            return Optional.empty();
        }
        String summary = "restart " + what + " on loopback only (it listens on " + String.join(", ", exposed) + ")";
        return Optional.of(Change.of(summary, context -> context.runOrFail(Command.shell(fix), Duration.ofMinutes(3), summary)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "nothing listens on port " + port + " other than on loopback";
    }

    private String key() {
        return "listen:" + port;
    }
}
