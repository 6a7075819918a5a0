package io.oth.firewall;

import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.Probe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Other programs' nftables tables on the node, which oth leaves as they are: one whose input chain
 * drops by default (a host hardened with {@code iptables -P INPUT DROP}, whose rules iptables-nft
 * keeps in {@code table ip filter}) drops whatever it does not accept itself, whatever oth's table
 * lets in. Nothing to change; a warning that names it and the ports it must let in.
 */
public final class OtherFirewallsOp implements Operation {
    static final String KEY = "firewall:others";

    private final List<Integer> ports;

    /** @param ports the ports oth's table lets in on this node */
    public OtherFirewallsOp(List<Integer> ports) {
        this.ports = List.copyOf(ports);
    }

    @Override
    public String subject() {
        return "other programs' firewall tables";
    }

    @Override
    public List<Probe> probes() {
        return List.of(LiveRuleset.liveProbe(KEY));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        return Optional.empty();
    }

    @Override
    public List<String> warnings(Map<String, Probe.Answer> answers) {
        List<String> dropping = parse(answers).othersDroppingInput();
        if (dropping.isEmpty()) {
            return List.of();
        }
        return List.of(LiveRuleset.named(dropping) + " of another program drops input by default: it drops what it does not accept itself, so it must also let in"
                + " ports " + ports.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " (oth's table here) or this node's part of the site does not answer;"
                + " oth leaves it as it is (oth doctor's ports checks show what it drops)");
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        List<String> others = parse(answers).others();
        return others.isEmpty() ? "none" : LiveRuleset.named(others) + ", left as they are";
    }

    private static LiveRuleset parse(Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.get(KEY);
        return LiveRuleset.parse(answer == null ? "" : answer.output());
    }
}
