package io.oth.firewall;

import io.oth.op.Probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's live nftables table of oth's beside what oth applied, both as {@code nft -t list ruleset}
 * prints them (set contents left out: a support grant adds elements, which is not drift). What oth
 * applied is /etc/nftables.conf loaded into a throw-away network namespace, so that the two are
 * listed by the same nft in the same form and compare line by line. Other programs' tables are
 * not oth's to compare: they are named ({@link #others()}), and one whose input chain drops by
 * default ({@link #othersDroppingInput()}) can drop what oth's table lets in.
 */
public record LiveRuleset(List<String> live, Optional<List<String>> applied, boolean dropsInput, List<String> others, List<String> othersDroppingInput) {
    private static final String APPLIED = "@@applied";
    private static final String UNAVAILABLE = "@@unavailable";
    private static final Pattern DPORT = Pattern.compile("dport (\\{[^}]*}|\\d+)");
    /** A table's first line as nft prints it: family and name, a name nft allows (letters, digits, _ . - $ /, up to 255). */
    private static final Pattern TABLE = Pattern.compile("table (ip|ip6|inet|arp|bridge|netdev) ([A-Za-z0-9_.$/-]{1,64}) \\{");
    /** More tables than a node has a use for are not read further. */
    private static final int MAX_TABLES = 32;
    /** How many tables a sentence names (the count says how many more). */
    private static final int SHOWN = 3;

    /** The live ruleset as nft lists it, set contents left out. */
    private static final String LIST = "nft -t list ruleset 2>/dev/null";

    public static Probe probe(String key) {
        return Probe.inShell(key, LIST + "; echo " + APPLIED + "; unshare -n sh -c 'nft -f " + FirewallOp.PATH
                + " && nft -t list ruleset' 2>/dev/null || echo " + UNAVAILABLE);
    }

    /** The live ruleset alone ({@link #parse} finds no applied one in it): what install reads of other programs' tables. */
    public static Probe liveProbe(String key) {
        return Probe.inShell(key, LIST);
    }

    /** "table inet f2b-table", "tables inet a, ip b, inet c (and 3 more)": tables as {@link #others()} names them. */
    public static String named(List<String> tables) {
        String shown = String.join(", ", tables.stream().limit(SHOWN).toList());
        return (tables.size() == 1 ? "table " : "tables ") + shown + (tables.size() > SHOWN ? " (and " + (tables.size() - SHOWN) + " more)" : "");
    }

    public static LiveRuleset parse(String output) {
        List<String> lines = output.lines().toList();
        int split = lines.indexOf(APPLIED);
        List<String> listed = split < 0 ? lines : lines.subList(0, split);
        List<String> after = split < 0 ? List.of(UNAVAILABLE) : lines.subList(split + 1, lines.size());
        Map<String, List<String>> tables = tables(listed);
        List<String> own = own(listed, tables);
        List<String> others = tables.keySet().stream().filter(t -> !t.equals(FirewallOp.TABLE)).toList();
        List<String> dropping = others.stream().filter(t -> dropsInput(tables.get(t))).toList();
        return new LiveRuleset(rules(own), after.contains(UNAVAILABLE) ? Optional.empty() : Optional.of(rules(own(after, tables(after)))), dropsInput(own),
                others.stream().map(t -> t.substring("table ".length())).toList(), dropping.stream().map(t -> t.substring("table ".length())).toList());
    }

    /**
     * oth's table of a listing, given the listing's {@link #tables}: its block's lines. A listing without any table line (a support bundle's
     * answer cut short, say) is taken whole, as before tables were told apart.
     */
    private static List<String> own(List<String> listing, Map<String, List<String>> tables) {
        return tables.isEmpty() ? listing : tables.getOrDefault(FirewallOp.TABLE, List.of());
    }

    /** Each top-level table's lines (its first line included), by "table FAMILY NAME"; lines outside any table are left out. */
    private static Map<String, List<String>> tables(List<String> listing) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> current = null;
        int depth = 0;
        for (String raw : listing) {
            String line = raw.strip();
            if (depth == 0) {
                Matcher m = TABLE.matcher(line);
                if (m.matches() && tables.size() < MAX_TABLES) {
                    current = tables.computeIfAbsent("table " + m.group(1) + " " + m.group(2), k -> new ArrayList<>());
                } else {
                    current = null;
                }
            }
            if (current != null) {
                current.add(raw);
            }
            if (line.endsWith("{")) {
                depth++;
            } else if (line.equals("}") && depth > 0) {
                depth--;
            }
        }
        return tables;
    }

    /**
     * Whether a table's lines have an input chain with a default drop policy: a base chain hooked on
     * input, its policy line as nft prints it ({@code type filter hook input priority filter; policy drop;}).
     */
    private static boolean dropsInput(List<String> table) {
        return table.stream().map(String::strip).anyMatch(l -> l.startsWith("type filter hook input ") && l.contains("policy drop"));
    }

    /** The live lines oth did not apply, in the live order. */
    public List<String> extra() {
        return applied.map(a -> minus(live, a)).orElse(List.of());
    }

    /** The applied lines missing from the live ruleset. */
    public List<String> missing() {
        return applied.map(a -> minus(a, live)).orElse(List.of());
    }

    /** The live rule that accepts traffic to {@code port}, if one does. */
    public Optional<String> accepting(int port) {
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
