package io.oth.op;

import io.oth.remote.Command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A reload that is not a service restart, run only when a change in the same phase asks for it by
 * {@code name}: e.g. MariaDB's {@code FLUSH SSL}, which picks up a new certificate without dropping
 * connections.
 */
public record ReloadOp(String name, String description, String script) implements Operation {

    @Override
    public String subject() {
        return description;
    }

    @Override
    public List<Probe> probes() {
        return List.of();
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        if (!notified.contains(name)) {
            return Optional.empty();
        }
        return Optional.of(Change.of(description, context -> context.runOrFail(Command.shell(script), Duration.ofSeconds(60), description)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "no change of this phase asks for it";
    }
}
