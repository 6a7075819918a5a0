package io.oth.op;

import io.oth.remote.Command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A directory with an owner ({@code user:group}) and a mode. */
public record DirectoryOp(String path, String owner, String mode) implements Operation {

    @Override
    public String subject() {
        return "directory " + path;
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), "stat -c '%F %U:%G %a' -- " + Command.quote(path)));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        String want = "directory " + owner + " " + mode.replaceFirst("^0+(?=.)", "");
        if (answers.get(key()).output().strip().equals(want)) {
            return Optional.empty();
        }
        String summary = "directory " + path + " (" + mode + " " + owner + ")";
        return Optional.of(Change.of(summary, context -> context.runOrFail(Command.shell("mkdir -p -- " + Command.quote(path) + " && chown "
                + Command.quote(owner) + " " + Command.quote(path) + " && chmod " + Command.quote(mode) + " " + Command.quote(path)),
                Duration.ofSeconds(30), summary)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "exists with owner " + owner + " and mode " + mode;
    }

    private String key() {
        return "dir:" + path;
    }
}
