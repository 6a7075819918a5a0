package io.oth.report;

import io.oth.check.Finding;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Role;
import io.oth.site.Site;

import java.util.List;
import java.util.Optional;

/**
 * Which hop of the site a finding is about, from where it was seen: one table ({@link #RULES}),
 * read top to bottom, the first rule whose check id and vantage point match deciding. A hop joins
 * two places: the operator, the bastion, a node, or the endpoints of an outbound feature; a finding
 * about the vantage point itself (its firewall, its resolver, its certificates) is a hop from a place to itself.
 */
final class Hops {
    static final String OPERATOR = "operator";
    static final String BASTION = "bastion";
    private static final String NODE = "node:";
    private static final String OUTBOUND = "outbound:";

    /** Where a rule's hop ends. */
    enum To {
        /** The bastion (the operator, with no bastion: then the operator reaches the nodes itself). */
        BASTION,
        /** The load balancer. */
        LB,
        /** The storage node. */
        STORAGE,
        /** The node the target names ({@code reach.node}: app2). */
        NODE_NAMED,
        /** The node whose address the target is ({@code 10.77.0.20:3306}). */
        NODE_AT,
        /** The outbound endpoints of the feature after the id's dot ({@code outbound.sms}). */
        OUTBOUND,
        /** The vantage point itself. */
        SELF
    }

    /** {@code id}: a check id, a prefix ending in a dot, or empty (any); {@code from}: operator, bastion, node (any node) or * (anywhere). */
    record Rule(String id, String from, To to) {
        boolean matches(Finding f, boolean fromNode) {
            boolean id = this.id.isEmpty() || (this.id.endsWith(".") ? f.id().startsWith(this.id) : f.id().equals(this.id));
            boolean vantage = from.equals("*") || from.equals(f.vantage()) || from.equals("node") && fromNode;
            return id && vantage;
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("reach.bastion", "*", To.BASTION),
            new Rule("reach.node", "*", To.NODE_NAMED),
            new Rule("ports.operator-lb", OPERATOR, To.LB),
            new Rule("dns.fqdn", OPERATOR, To.LB),
            new Rule("certs.served", OPERATOR, To.LB),
            new Rule("ports.", "node", To.NODE_AT),
            new Rule("service.", "node", To.STORAGE),
            new Rule("outbound.", "node", To.OUTBOUND),
            new Rule("", "*", To.SELF));

    /** A hop between two places (by key); {@code from == to} for a finding about a place itself. */
    record Hop(String from, String to) {
        boolean isPlace() {
            return from.equals(to);
        }
    }

    private final Site site;

    Hops(Site site) {
        this.site = site;
    }

    static String node(String name) {
        return NODE + name;
    }

    static String outbound(String feature) {
        return OUTBOUND + feature;
    }

    /** The hop {@code f} is about; empty when it names a place this site does not have (a recorded finding of another site). */
    Optional<Hop> of(Finding f) {
        Optional<String> from = vantage(f.vantage());
        if (from.isEmpty()) {
            return Optional.empty();
        }
        Rule rule = RULES.stream().filter(r -> r.matches(f, site.node(f.vantage()).isPresent())).findFirst().orElseThrow();
        Optional<String> to = switch (rule.to()) {
            case BASTION -> Optional.of(site.bastion().isPresent() ? BASTION : OPERATOR);
            case LB -> role(Role.LB);
            case STORAGE -> role(Role.STORAGE);
            case NODE_NAMED -> site.node(f.target()).map(n -> node(n.name()));
            case NODE_AT -> host(f.target()).flatMap(this::nodeAt).map(n -> node(n.name()));
            case OUTBOUND -> Optional.of(outbound(f.id().substring(f.id().indexOf('.') + 1)));
            case SELF -> from;
        };
        return to.map(t -> new Hop(from.get(), t));
    }

    /** The place a vantage point is: the operator, the bastion (the operator when there is none), a node. */
    Optional<String> vantage(String vantage) {
        if (vantage.equals(OPERATOR)) {
            return Optional.of(OPERATOR);
        }
        if (vantage.equals(BASTION)) {
            return Optional.of(site.bastion().isPresent() ? BASTION : OPERATOR);
        }
        return site.node(vantage).map(n -> node(n.name()));
    }

    private Optional<String> role(String role) {
        return site.nodesWithRole(role).stream().findFirst().map(n -> node(n.name()));
    }

    private Optional<Node> nodeAt(String host) {
        Optional<java.net.InetAddress> address = Addresses.ipLiteral(host);
        return site.nodes().stream().filter(n -> n.address().equals(host)
                || address.isPresent() && address.equals(Addresses.ipLiteral(n.address()))).findFirst();
    }

    /** The host of {@code host:port} or {@code [v6]:port}, as Addresses.hostPort writes it. */
    static Optional<String> host(String target) {
        if (target.startsWith("[")) {
            int end = target.indexOf(']');
            return end < 0 ? Optional.empty() : Optional.of(target.substring(1, end));
        }
        int colon = target.lastIndexOf(':');
        return colon <= 0 ? Optional.empty() : Optional.of(target.substring(0, colon));
    }
}
