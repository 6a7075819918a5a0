package io.oth.op;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A block of lines oth owns inside a file others also edit (/etc/hosts): everything outside the
 * block's BEGIN/END lines is kept as it is.
 */
public record ManagedBlockOp(String path, String begin, String end, String block) implements Operation {

    @Override
    public String subject() {
        return "block in " + path;
    }

    @Override
    public List<Probe> probes() {
        String p = io.oth.remote.Command.quote(path);
        return List.of(Probe.inShell(key(), "[ -f " + p + " ] && echo " + FileOp.FROM_CONTENT + " && cat -- " + p + " && echo " + FileOp.END));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(key());
        String[] sumAndText = answer.ok() ? answer.output().split("\n", 2) : new String[] {"absent", ""};
        String current = sumAndText.length > 1 ? sumAndText[1] : "";
        if (sumAndText[0].equals(FileOp.FROM_CONTENT)) {
            current = FileOp.withoutEnd(current);
        }
        String wanted = merged(current);
        if (sumAndText[0].equals(FileOp.FROM_CONTENT) ? current.equals(wanted)
                : sumAndText[0].equals(FileOp.sha256(wanted.getBytes(StandardCharsets.UTF_8)))) {
            return Optional.empty();
        }
        return Optional.of(FileOp.text(path, wanted, "root:root", "0644").replacing(current));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the block oth manages in " + path + " is already as wanted";
    }

    /** {@code current} with the block replaced, or appended when it is not there yet. */
    String merged(String current) {
        String body = current.endsWith("\n") || current.isEmpty() ? current : current + "\n";
        int from = body.indexOf(begin);
        int to = body.indexOf(end, Math.max(from, 0));
        String blockText = block.endsWith("\n") ? block : block + "\n";
        if (from >= 0 && to > from) {
            int after = body.indexOf('\n', to);
            return body.substring(0, from) + blockText + (after < 0 ? "" : body.substring(after + 1));
        }
        return body + blockText;
    }

    private String key() {
        return "block:" + path;
    }
}
