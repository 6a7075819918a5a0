package io.oth.install.phase;

import io.oth.firewall.FirewallAtBootOp;
import io.oth.firewall.FirewallOp;
import io.oth.firewall.FirewallRules;
import io.oth.firewall.OtherFirewallsOp;
import io.oth.install.InstallPlaybook;
import io.oth.op.FileOp;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.template.Templates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node's nftables ruleset from the port table in playbooks/roles.yml, applied with the node's own
 * revert armed, and loaded again whenever the node boots.
 */
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
        List<Operation> ops = new ArrayList<>(List.of(new FirewallOp(ruleset, rules, revertAfter)));
        if (t.facts().init() == InitSystem.SYSV) {
            ops.add(FileOp.text(FirewallAtBootOp.SCRIPT, Templates.render("nftables/oth-nftables.init.peb", Map.of()), "root:root", "0755"));
        }
        ops.add(new FirewallAtBootOp(t.facts().init()));
        ops.add(new OtherFirewallsOp(network.roles().get(node.role()).ports(t.site(), t.facts().sshPort())));
        return ops;
    }
}
