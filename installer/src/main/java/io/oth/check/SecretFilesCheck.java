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

    @Override
    public List<Probe> probes(Node node) {
        return NodeLayout.secretFiles(site, node).stream().map(file -> {
            String p = Command.quote(file.path());
            return new Probe(key(file), "if [ -e " + p + " ]; then stat -c '%U:%G %a' -- " + p + "; else echo absent; fi");
        }).toList();
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        return NodeLayout.secretFiles(site, node).stream().map(file -> finding(node, file, answers.get(key(file)))).toList();
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

    private static String key(NodeLayout.SecretFile file) {
        return ID + ":" + file.path();
    }
}
