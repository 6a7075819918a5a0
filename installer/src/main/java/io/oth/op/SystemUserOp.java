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

/** A system account for a service: no login shell, no password, no home to log into. */
public record SystemUserOp(String user) implements Operation {

    @Override
    public String subject() {
        return "user " + user;
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), "id -u -- " + Command.quote(user)));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        if (answers.get(key()).ok()) {
            return Optional.empty();
        }
        return Optional.of(new Change() {
            @Override
            public String summary() {
                return "create system user " + user;
            }

            @Override
            public void apply(ApplyContext context) throws RemoteException {
                CommandResult r = context.host().run(Command.of("useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user), Duration.ofSeconds(30));
                if (!r.ok()) {
                    throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "useradd " + user + ": " + r.diagnostic());
                }
            }
        });
    }

    private String key() {
        return "user:" + user;
    }
}
