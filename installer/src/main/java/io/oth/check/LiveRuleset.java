package io.oth.check;

import io.oth.firewall.FirewallOp;
import io.oth.op.Probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's live nftables ruleset beside what oth applied, both as {@code nft -t list ruleset}
 * prints them (set contents left out: a support grant adds elements, which is not drift). What oth
 * applied is /etc/nftables.conf loaded into a throw-away network namespace, so that the two are
 * listed by the same nft in the same form and compare line by line.
 */
record LiveRuleset(List<String> live, Optional<List<String>> applied, boolean dropsInput) {
    private static final String APPLIED = "@@applied";
    private static final String UNAVAILABLE = "@@unavailable";
    private static final Pattern DPORT = Pattern.compile("dport (\\{[^}]*}|\\d+)");

    static Probe probe(String key) {
        return Probe.inShell(key, "nft -t list ruleset 2>/dev/null; echo " + APPLIED + "; unshare -n sh -c 'nft -f " + FirewallOp.PATH
                + " && nft -t list ruleset' 2>/dev/null || echo " + UNAVAILABLE);
    }

    static LiveRuleset parse(String output) {
        List<String> lines = output.lines().toList();
        int split = lines.indexOf(APPLIED);
        List<String> listed = split < 0 ? lines : lines.subList(0, split);
        List<String> after = split < 0 ? List.of(UNAVAILABLE) : lines.subList(split + 1, lines.size());
        return new LiveRuleset(rules(listed), after.contains(UNAVAILABLE) ? Optional.empty() : Optional.of(rules(after)), dropsInput(listed));
    }

    /**
     * Whether the live listing has oth's input chain ({@code table inet oth}, {@code chain input})
     * with a default drop policy: its lines followed by their braces, as nft prints them.
     */
    private static boolean dropsInput(List<String> listing) {
        // The blocks open at each line: "table inet oth", "chain input"; sets and maps are blocks too.
        java.util.Deque<String> open = new java.util.ArrayDeque<>();
        for (String raw : listing) {
            String line = raw.strip();
            if (line.endsWith("{")) {
                open.addLast(line.substring(0, line.length() - 1).strip());
            } else if (line.equals("}")) {
                open.pollLast();
            } else if (open.size() == 2 && open.peekFirst().equals("table inet oth") && open.peekLast().equals("chain input")
                    && line.contains("policy drop")) {
                return true;
            }
        }
        return false;
    }

    /** The live lines oth did not apply, in the live order. */
    List<String> extra() {
        return applied.map(a -> minus(live, a)).orElse(List.of());
    }

    /** The applied lines missing from the live ruleset. */
    List<String> missing() {
        return applied.map(a -> minus(a, live)).orElse(List.of());
    }

    /** The live rule that accepts traffic to {@code port}, if one does. */
    Optional<String> accepting(int port) {
        return live.stream().filter(l -> l.contains(" accept") && dports(l).contains(port)).findFirst();
    }

    private static List<Integer> dports(String rule) {
        List<Integer> ports = new ArrayList<>();
        Matcher m = DPORT.matcher(rule);
        while (m.find()) {
            for (String p : m.group(1).replaceAll("[{}\\s]", "").split(",")) {
                if (p.matches("\\d{1,5}")) {
                    ports.add(Integer.parseInt(p));
                }
            }
        }
        return ports;
    }

    /** The statements of a listing: its lines without indentation, blank lines and closing braces. */
    private static List<String> rules(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("}")).toList();
    }

    /** {@code a} without one occurrence of each line of {@code b}. */
    private static List<String> minus(List<String> a, List<String> b) {
        List<String> left = new ArrayList<>(b);
        List<String> out = new ArrayList<>();
        for (String line : a) {
            if (!left.remove(line)) {
                out.add(line);
            }
        }
        return out;
    }
}
