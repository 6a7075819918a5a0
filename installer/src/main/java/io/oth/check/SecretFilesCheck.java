package io.oth.check;

import io.oth.install.NodeLayout;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.NodeText;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.List;
import java.util.Map;

/**
 * posture.secrets: every file install writes a secret into still has the owner and mode install
 * gives it ({@link NodeLayout#secretFiles}), read the way install's own file operation reads them,
 * so that doctor and {@code oth install --check} agree on a file someone made readable.
 */
final class SecretFilesCheck implements NodeCheck {
    private static final String ID = "posture.secrets";

    private final Site site;

    SecretFilesCheck(Site site) {
        this.site = site;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "every file install writes a secret into (the LB's key bundle, the application's passwords, MinIO's "
                + "environment) has the owner and mode install gives it", List.of(Vantage.LB, Vantage.APP, Vantage.STORAGE)));
    }

    /**
     * One probe for all of the node's secret files, one {@code stat} for those that exist (a
     * process per file would be most of this check's cost): a line {@code owner:group mode path}
     * per file, or {@code absent path}.
     */
    @Override
    public List<Probe> probes(Node node) {
        String paths = String.join(" ", NodeLayout.secretFiles(site, node).stream().map(f -> Command.quote(f.path())).toList());
        return List.of(Probe.inShell(ID, "set --; for f in " + paths + "; do if [ -e \"$f\" ]; then set -- \"$@\" \"$f\"; else printf 'absent %s\\n' \"$f\"; fi; done; "
                + "[ $# -eq 0 ] || stat -c '%U:%G %a %n' -- \"$@\""));
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.get(ID);
        return NodeLayout.secretFiles(site, node).stream().map(file -> finding(node, file, said(file, answer))).toList();
    }

    /**
     * What the node said of {@code file}: the owner and mode on the line that ends with its path, or
     * {@code absent}; else a failed answer with what it said of that path (stat's error), or all it said.
     */
    private static Probe.Answer said(NodeLayout.SecretFile file, Probe.Answer answer) {
        String path = file.path();
        return answer.output().lines()
                .filter(l -> l.equals("absent " + path) || l.endsWith(" " + path) && l.split(" ", -1).length == 3 + spaces(path))
                .map(l -> new Probe.Answer(0, l.substring(0, l.length() - path.length() - 1))).findFirst()
                .orElseGet(() -> {
                    String about = String.join("\n", answer.output().lines().filter(l -> l.contains(path)).toList());
                    return new Probe.Answer(answer.ok() ? 1 : answer.exitCode(), about.isEmpty() ? answer.output() : about);
                });
    }

    private static int spaces(String path) {
        return (int) path.chars().filter(c -> c == ' ').count();
    }

    private static Finding finding(Node node, NodeLayout.SecretFile file, Probe.Answer answer) {
        String seen = answer.output().strip();
        String wanted = file.owner() + " " + file.mode().replaceFirst("^0+(?=.)", "");
        if (answer.ok() && seen.equals(wanted)) {
            return Finding.ok(ID, node.name(), file.path(), file.owner() + " " + file.mode());
        }
        if (answer.ok() && seen.equals("absent")) {
            return new Finding(ID, node.name(), file.path(), Verdict.WARN, "absent", "oth install writes it");
        }
        return new Finding(ID, node.name(), file.path(), Verdict.FAIL, (answer.ok() ? NodeText.shown(seen) : "cannot read it: " + NodeText.shown(seen)) + ", not "
                + file.owner() + " " + file.mode(), "a secret readable beyond its owner: oth install --check shows the repair, oth install sets it back");
    }
}
