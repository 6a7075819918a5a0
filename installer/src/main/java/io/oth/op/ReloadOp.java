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
 * connections. With {@code service}, not when that service was started or restarted earlier in the
 * phase ({@link ServiceOp#started}): it read its certificates as it started (a first install would
 * otherwise reload what it has just loaded; RabbitMQ's reload boots an Erlang VM).
 */
public record ReloadOp(String name, String description, String script, Optional<String> service) implements Operation {

    public ReloadOp(String name, String description, String script) {
        this(name, description, script, Optional.empty());
    }

    /** This reload, left out when {@code service} (a {@link ServiceOp}'s name) starts or restarts before it in the phase. */
    public ReloadOp unlessStarted(String service) {
        return new ReloadOp(name, description, script, Optional.of(service));
    }

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
        if (!notified.contains(name) || startedBefore(notified)) {
            return Optional.empty();
        }
        return Optional.of(Change.of(description, context -> context.runOrFail(Command.shell(script), Duration.ofSeconds(60), description)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return startedBefore(notified) && notified.contains(name) ? service.orElseThrow() + " (re)starts in this phase, reading it anew"
                : "no change of this phase asks for it";
    }

    private boolean startedBefore(Set<String> notified) {
        return service.map(s -> notified.contains(ServiceOp.started(s))).orElse(false);
    }
}
