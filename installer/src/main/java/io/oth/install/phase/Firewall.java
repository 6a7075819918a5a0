package io.oth.install.phase;

import io.oth.firewall.FirewallOp;
import io.oth.firewall.FirewallRules;
import io.oth.install.InstallPlaybook;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.template.Templates;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The node's nftables ruleset from the port table in playbooks/roles.yml, applied with the node's own revert armed. */
public final class Firewall extends InstallPhase {
    private final Playbooks network;
    private final Duration revertAfter;

    public Firewall(InstallPlaybook.PhaseSpec spec, Playbooks network, Duration revertAfter) {
        super(spec);
        this.network = network;
        this.revertAfter = revertAfter;
    }

    @Override
    public List<Operation> operations(Target t) {
        Node node = t.node();
        FirewallRules rules = FirewallRules.forNode(t.site(), node, t.facts(), network);
        String ruleset = Templates.render("nftables/nftables.conf.peb", Map.of("site", t.site().name(), "node", node.name(),
                "role", node.role(), "rules", rules.rules(), "forward_from", rules.forwardFrom(), "support_sets", rules.supportSets()));
        return List.of(new FirewallOp(ruleset, rules, revertAfter));
    }
}
