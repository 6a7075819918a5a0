package io.oth.firewall;

import io.oth.phase.HostFacts;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.Site;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The inbound rules of one node, from the port table in playbooks/roles.yml: who ({@code from})
 * may reach which port. Only the rules that apply to the site ({@link Role.Inbound#appliesTo}) are
 * opened: a storage service's ports while it runs locally, plain AMQP's only with plain_amqp.
 *
 * <p>Support staff ({@code from: support}) are never let in by a fixed rule: their rule matches the
 * sets {@value #SUPPORT_V4} and {@value #SUPPORT_V6}, which are empty until {@code oth support open}
 * adds the site's support addresses to them, each with a timeout after which the kernel drops it.
 *
 * <p>The rule named {@value Role#SSH} opens the port oth's own SSH session arrived on
 * ({@link HostFacts#sshPort()}), the table's 22 unless the site logs in on another.
 *
 * <p>oth's own SSH ({@code from: bastion}) is let in from the one source this node reported
 * ({@link HostFacts#sshSource()}, an IP address by type), never from what another node reported. A
 * node may lie: a compromised one can already rewrite its own firewall, so its report must give it
 * nothing more; were reports shared, one lying node could open every other node's SSH port to an
 * address of its choosing. The confirming reconnection comes over the same path, so the node's own
 * view is all it needs. Nodes that disagree with the others are named by {@link HostFacts#disagreeing}.
 *
 * @param rules        nftables rule lines for the input chain
 * @param sshSources   the address oth's own SSH sessions come from, as this node reported it (let in on the role's rule named ssh)
 * @param supportSets  whether the ruleset declares the support sets (a rule lets support staff in)
 * @param lockoutRisk  empty, or why this ruleset would keep oth out of the node
 */
public record FirewallRules(List<String> rules, List<String> forwardFrom, Set<String> sshSources, int sshPort, boolean supportSets,
                            String lockoutRisk) {
    public static final String SUPPORT_V4 = "support4";
    public static final String SUPPORT_V6 = "support6";

    public static FirewallRules forNode(Site site, Node node, HostFacts facts, Playbooks playbooks) {
        Role role = playbooks.roles().get(node.role());
        // The table's SSH rule opens the port oth's own session arrived on, as the node saw it: the
        // table says 22, a site may log in on another (node.port, ssh_config's Port), and a rule for
        // 22 would lock oth out there.
        int ssh = facts.sshPort();
        String sshSource = facts.sshSource().getHostAddress();
        Set<String> sshSources = Set.of(sshSource);
        List<String> rules = new ArrayList<>();
        boolean sshOpenToOth = false;
        boolean supportSets = false;
        for (Role.Inbound in : role.inbound()) {
            if (!in.appliesTo(site)) {
                continue;
            }
            Set<String> sources = new LinkedHashSet<>();
            boolean anywhere = false;
            boolean support = false;
            for (String from : in.from()) {
                switch (from) {
                    case "anywhere" -> anywhere = true;
                    case "bastion" -> sources.addAll(sshSources);
                    case "support" -> support = true;
                    default -> site.nodesWithRole(from).forEach(n -> sources.add(n.address()));
                }
            }
            String comment = " comment \"" + in.why().replace("\"", "'") + "\"";
            int port = in.port(ssh);
            String match = in.proto() + " dport " + port;
            if (anywhere) {
                rules.add(match + " accept" + comment);
            } else {
                List<String> v4 = sources.stream().filter(s -> !isV6(s)).toList();
                List<String> v6 = sources.stream().filter(FirewallRules::isV6).toList();
                if (!v4.isEmpty()) {
                    rules.add("ip saddr { " + String.join(", ", v4) + " } " + match + " accept" + comment);
                }
                if (!v6.isEmpty()) {
                    rules.add("ip6 saddr { " + String.join(", ", v6) + " } " + match + " accept" + comment);
                }
                if (support) {
                    supportSets = true;
                    String why = " accept comment \"OTH support staff, only while oth support open lasts\"";
                    rules.add("ip saddr @" + SUPPORT_V4 + " " + match + why);
                    rules.add("ip6 saddr @" + SUPPORT_V6 + " " + match + why);
                }
            }
            if (port == ssh && (anywhere || sources.contains(sshSource))) {
                sshOpenToOth = true;
            }
        }
        String risk = sshOpenToOth ? "" : "no rule lets oth's SSH source " + sshSource + " reach port " + ssh;
        List<String> forward = facts.forwarding()
                ? site.nodes().stream().filter(n -> !n.name().equals(node.name())).map(Node::address).filter(a -> !isV6(a)).toList()
                : List.of();
        return new FirewallRules(List.copyOf(rules), forward, sshSources, ssh, supportSets, risk);
    }

    private static boolean isV6(String addressOrCidr) {
        String address = addressOrCidr.contains("/") ? addressOrCidr.substring(0, addressOrCidr.indexOf('/')) : addressOrCidr;
        return Addresses.ipLiteral(address).map(a -> a instanceof Inet6Address).orElse(addressOrCidr.contains(":"));
    }
}
