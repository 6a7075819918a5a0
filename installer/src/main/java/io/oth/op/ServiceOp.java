package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service that must run, and be reloaded (or restarted) when a change in the same phase asks
 * for it. Uses systemd where it is PID 1, Debian's {@code service} and init scripts elsewhere.
 */
public record ServiceOp(String name, InitSystem init, boolean restartOnChange) implements Operation {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Override
    public String subject() {
        return "service " + name;
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), init.isRunning(name)));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        boolean running = answers.get(key()).ok();
        if (!running) {
            return Optional.of(new Action("start", init.start(name)));
        }
        if (notified.contains(name)) {
            return restartOnChange
                    ? Optional.of(new Action("restart", init.restart(name)))
                    : Optional.of(new Action("reload", init.reload(name)));
        }
        return Optional.empty();
    }

    private String key() {
        return "service:" + name;
    }

    private final class Action implements Change {
        private final String verb;
        private final String script;

        Action(String verb, String script) {
            this.verb = verb;
            this.script = script;
        }

        @Override
        public String summary() {
            return verb + " " + name;
        }

        @Override
        public void apply(ApplyContext context) throws RemoteException {
            CommandResult r = context.host().run(Command.shell(script), TIMEOUT);
            if (!r.ok()) {
                throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, verb + " " + name + ": " + r.diagnostic());
            }
        }
    }
}
