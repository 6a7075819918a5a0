package io.oth.op;

import io.oth.remote.Command;
import io.oth.secret.Secret;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code NAME=VALUE} setting of an environment file that, once the node has it, must keep its
 * value: a key that data on the node is encrypted with, in a file whose other settings may change
 * (MinIO's KMS key beside its root credentials). It changes nothing itself: where the node's value
 * differs, the plan is a refusal that fails the phase before anything of it is applied, saying
 * {@code why}. Put it before the phase's other operations. The node says only the value's sha256,
 * read with the shell's own {@code read} (the value is on no command line).
 */
public record KeptSettingOp(String path, String name, Secret value, String why) implements Operation {
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    private static final Pattern SUM = Pattern.compile("[0-9a-f]{64}");

    public KeptSettingOp {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a setting's name: " + name);
        }
    }

    @Override
    public String subject() {
        return "setting " + name + " in " + path;
    }

    private String key() {
        return "setting:" + path + ":" + name;
    }

    @Override
    public List<Probe> probes() {
        return List.of(Probe.inShell(key(), "v=; { while IFS= read -r l || [ -n \"$l\" ]; do case $l in " + name + "=*) v=${l#" + name + "=}; break ;; esac;"
                + " done <" + Command.quote(path) + "; } 2>/dev/null; if [ -n \"$v\" ]; then printf '%s' \"$v\" | sha256sum; else echo absent; fi"));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        if (!differs(answers.get(key()))) {
            return Optional.empty();
        }
        return Optional.of(Change.refusal("refuse to replace " + name + " in " + path + " (" + why + ")",
                name + " in " + path + " on the node is not the one this site's state has; " + why + "; nothing was replaced"));
    }

    /** Whether the node answered a value, and not this one. An answer that is neither a sum nor {@code absent} differs: nothing to write over. */
    private boolean differs(Probe.Answer answer) {
        String said = answer == null ? "" : answer.output().strip();
        if (said.equals("absent")) {
            return false;
        }
        String sum = said.length() >= 64 ? said.substring(0, 64) : said;
        return !SUM.matcher(sum).matches() || !sum.equals(FileOp.sha256(value.reveal().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "absent, or the value this site's state has";
    }
}
