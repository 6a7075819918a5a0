package io.oth.op;

import io.oth.remote.Command;

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
        return Optional.of(Change.of("create system user " + user, context -> context.runOrFail(Command.of("useradd", "--system",
                "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user), Duration.ofSeconds(30),
                "useradd " + user)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the user exists";
    }

    private String key() {
        return "user:" + user;
    }
}
