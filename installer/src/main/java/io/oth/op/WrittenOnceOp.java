package io.oth.op;


import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A file that oth writes where it is missing, and never replaces with other content: a key that
 * data on the node is encrypted with. Where the node has other content, the plan is a refusal that
 * fails the phase before anything of it is applied (the file stays as it is), and says {@code why}
 * such a file must not be replaced and what to do. Its owner and mode are put right as usual.
 */
public record WrittenOnceOp(FileOp file, String why) implements Operation {
    @Override
    public String subject() {
        return file.subject();
    }

    @Override
    public List<Probe> probes() {
        return file.probes();
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        if (file.hasOtherContent(answers)) {
            return Optional.of(Change.refusal("refuse to replace " + file.path() + " (" + why + ")",
                    file.path() + " on the node is not the one this site's state has; " + why + "; nothing was replaced"));
        }
        return file.plan(answers, notified);
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return file.noChange(answers, notified);
    }
}
