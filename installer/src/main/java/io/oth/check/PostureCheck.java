package io.oth.check;

import io.oth.firewall.FirewallAtBootOp;
import io.oth.firewall.FirewallOp;
import io.oth.firewall.LiveRuleset;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.op.AtBoot;
import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.support.SupportAccess;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/** posture.*: each node's firewall, listening sockets and support access, and the release an app node runs. */
final class PostureCheck implements NodeCheck {
    static final String RELEASE_TARGET = "release ";
    /** How many drifted rules a finding names (the count says how many more). */
    private static final int SHOWN = 3;
    /** At most so many lines of a node's services at boot are read (it runs at most a handful). */
    private static final int MAX_SERVICE_LINES = 32;

    private final Site site;
    private final Playbooks playbooks;
    private final ToIntFunction<Node> sshPorts;
    private final Clock clock;

    PostureCheck(Site site, Playbooks playbooks, ToIntFunction<Node> sshPorts, Clock clock) {
        this.site = site;
        this.playbooks = playbooks;
        this.sshPorts = sshPorts;
        this.clock = clock;
    }

    static List<CheckInfo> checks(Playbooks playbooks) {
        List<String> roles = List.copyOf(playbooks.roles().keySet());
        return List.of(
                new CheckInfo("posture.firewall", "oth's nftables ruleset with a default-drop input chain is active, the live rules as applied", roles),
                new CheckInfo("posture.boot", "the node loads oth's firewall (Debian ships nftables.service disabled) and starts the services oth runs there when it boots",
                        roles),
                new CheckInfo("posture.listen", "the node listens only on ports of the network table (or loopback)", roles),
                new CheckInfo("posture.bind", "the storage services listen on the node's private address only, as install binds them", List.of(Vantage.STORAGE)),
                new CheckInfo("posture.release", "an application release is installed, the same on every app node", List.of(Vantage.APP)),
                new CheckInfo("posture.support", "support access is closed, or open as granted and not expired", roles));
    }

    @Override
    public List<Probe> probes(Node node) {
        List<Probe> probes = new ArrayList<>();
        // The listening sockets; whether the input chain drops by default is read from the live ruleset below.
        probes.add(new Probe(key(node), "ss -ltnH"));
        probes.add(LiveRuleset.probe(rulesetKey(node)));
        probes.add(FirewallAtBootOp.AT_BOOT.probe(bootKey(node)));
        List<String> services = NodeServices.of(node, site);
        if (!services.isEmpty()) {
            probes.add(Probe.inShell(servicesKey(node), String.join("; ", services.stream()
                    .map(service -> "printf '%s ' " + service + "; " + AtBoot.service(service).test()).toList())));
        }
        if (node.role().equals(Vantage.APP)) {
            probes.add(new Probe("release:" + node.name(), "readlink -f -- " + NodeLayout.APP_CURRENT));
        }
        probes.add(Probe.inShell("support:" + node.name(), SupportAccess.statusScript(SupportAccess.isEntry(node, playbooks))));
        return probes;
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        List<Finding> findings = new ArrayList<>();
        List<String> lines = listeners(answers.get(key(node)).output());
        LiveRuleset ruleset = LiveRuleset.parse(answers.get(rulesetKey(node)).output());
        boolean dropping = ruleset.dropsInput();
        findings.add(firewall(node, dropping, ruleset));
        // A support bundle made before 2026-12-07 has no such answer: no finding from it.
        Optional.ofNullable(answers.get(bootKey(node))).map(a -> atBoot(node, a)).ifPresent(findings::add);
        Optional.ofNullable(answers.get(servicesKey(node))).map(a -> servicesAtBoot(node, a)).ifPresent(findings::addAll);
        Set<Integer> expected = new HashSet<>(playbooks.roles().get(node.role()).ports(site, sshPorts.applyAsInt(node)));
        // ss prints ADDRESS:PORT; a line that is not one (a node that lies) is no socket
        List<String> extra = lines.stream().filter(l -> l.matches("\\S{1,64}:[0-9]{1,5}"))
                .filter(l -> !l.startsWith("127.") && !l.startsWith("[::1]") && !l.startsWith("[::ffff:127."))
                .filter(l -> !expected.contains(port(l))).distinct().toList();
        findings.add(extra.isEmpty() ? Finding.ok("posture.listen", node.name(), "sockets", "listens only on ports of the network table")
                : new Finding("posture.listen", node.name(), "sockets", Verdict.WARN, "also listens on " + String.join(", ", extra)
                + " (not in the network table; " + reachable(extra, dropping, ruleset) + ")", "stop or bind to loopback what does not belong on this node"));
        bound(node, lines).ifPresent(findings::add);
        if (node.role().equals(Vantage.APP)) {
            findings.add(release(node, answers.get("release:" + node.name()).output().strip()));
        }
        findings.add(support(node, answers.get("support:" + node.name()).output()));
        return findings;
    }

    /**
     * The local ADDRESS:PORT of each listening socket: the fourth column of {@code ss -ltnH}'s
     * lines, or a line that is one address alone (as support bundles made before 2026-12-06 kept
     * the answer).
     */
    static List<String> listeners(String ss) {
        return ss.lines().map(String::strip).map(l -> l.split("\\s+")).filter(f -> f.length >= 4 || f.length == 1 && f[0].contains(":"))
                .map(f -> f.length == 1 ? f[0] : f[3]).toList();
    }

    /**
     * posture.bind: install binds the storage services to the node's private address; one that
     * listens on another (all addresses, a public one) is reachable wherever the firewall lets it.
     */
    private Optional<Finding> bound(Node node, List<String> listeners) {
        Set<Integer> services = new HashSet<>();
        playbooks.roles().get(node.role()).inbound().stream()
                .filter(in -> in.service().isPresent() && in.appliesTo(site)).forEach(in -> services.add(in.port()));
        if (services.isEmpty()) {
            return Optional.empty();
        }
        String own = Addresses.hostPort(node.address(), 0);
        String address = own.substring(0, own.lastIndexOf(':'));
        List<String> elsewhere = listeners.stream().filter(l -> l.matches("\\S{1,64}:[0-9]{1,5}") && services.contains(port(l)))
                .filter(l -> !unmapped(l.substring(0, l.lastIndexOf(':'))).equals(address)).distinct().toList();
        return Optional.of(elsewhere.isEmpty() ? Finding.ok("posture.bind", node.name(), "services", "the storage services listen on " + address + " only")
                : new Finding("posture.bind", node.name(), "services", Verdict.WARN, String.join(", ", elsewhere) + " (install binds them to " + address + ")",
                "oth install writes the services' configuration with the private address; a changed configuration or a restarted service shows here"));
    }

    /** posture.firewall: a default-drop input chain, and the live rules as oth applied them. */
    private static Finding firewall(Node node, boolean dropping, LiveRuleset ruleset) {
        if (!dropping) {
            return new Finding("posture.firewall", node.name(), "inbound", Verdict.FAIL, "no oth firewall with a default-drop input chain is active",
                    "run oth install (it applies the ruleset with an automatic revert)");
        }
        List<String> extra = ruleset.extra();
        List<String> missing = ruleset.missing();
        if (extra.isEmpty() && missing.isEmpty()) {
            if (!ruleset.othersDroppingInput().isEmpty()) {
                return new Finding("posture.firewall", node.name(), "inbound", Verdict.WARN, "default drop, oth's ruleset active; "
                        + LiveRuleset.named(ruleset.othersDroppingInput()) + " of another program drops input by default too, so it must let in what oth's does (the ports checks show"
                        + " what it drops)", "remove that firewall, or keep it accepting the ports of playbooks/roles.yml; oth leaves other programs' tables as they are");
            }
            return Finding.ok("posture.firewall", node.name(), "inbound", "default drop, oth's ruleset active"
                    + (ruleset.others().isEmpty() ? "" : "; " + LiveRuleset.named(ruleset.others()) + " of other programs left as they are"));
        }
        List<String> drift = new ArrayList<>();
        extra.stream().limit(SHOWN).forEach(r -> drift.add("extra rule `" + r + "`"));
        missing.stream().limit(SHOWN).forEach(r -> drift.add("missing rule `" + r + "`"));
        int more = extra.size() + missing.size() - drift.size();
        return new Finding("posture.firewall", node.name(), "inbound", Verdict.WARN, "the live ruleset drifted from " + FirewallOp.PATH + ": "
                + String.join("; ", drift) + (more > 0 ? " (and " + more + " more)" : ""),
                "oth install restores what it applied (a rule added by hand belongs in playbooks/roles.yml, or waive this)");
    }

    /** posture.boot: whether the node loads oth's ruleset when it starts, or comes up with none. */
    private static Finding atBoot(Node node, Probe.Answer answer) {
        AtBoot.Said said = AtBoot.said(answer);
        InitSystem init = said.init().orElse(InitSystem.SYSTEMD);
        if (said.starts()) {
            return Finding.ok("posture.boot", node.name(), "firewall", "loaded at boot (" + FirewallAtBootOp.AT_BOOT.starter(init) + ")");
        }
        return new Finding("posture.boot", node.name(), "firewall", Verdict.FAIL, "not loaded at boot (" + said.state()
                + "): after its next restart the node has no firewall, every listening port open",
                mend(FirewallAtBootOp.AT_BOOT, said, "is another firewall manager meant to run here?"));
    }

    /** What makes the node start it at boot: install, or, for a unit systemd has masked (which install refuses to unmask), the operator first. */
    private static String mend(AtBoot atBoot, AtBoot.Said said, String maskedQuestion) {
        return said.masked() ? "systemctl unmask " + atBoot.unit() + " (" + maskedQuestion + "), then oth install"
                : "oth install sets it (" + atBoot.how(said.init().orElse(InitSystem.SYSTEMD)) + ")";
    }

    /**
     * posture.boot of the services oth runs on the node: each one's line of the answer, {@code NAME
     * INIT STATE}; a service the node did not answer for is unknown, a line for another is ignored.
     */
    private List<Finding> servicesAtBoot(Node node, Probe.Answer answer) {
        Map<String, String> lines = new HashMap<>();
        answer.output().lines().limit(MAX_SERVICE_LINES).map(String::strip).filter(l -> l.indexOf(' ') > 0)
                .forEach(l -> lines.putIfAbsent(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
        List<Finding> findings = new ArrayList<>();
        for (String service : NodeServices.of(node, site)) {
            AtBoot atBoot = AtBoot.service(service);
            AtBoot.Said said = AtBoot.said(lines.getOrDefault(service, ""));
            InitSystem init = said.init().orElse(InitSystem.SYSTEMD);
            if (said.starts()) {
                findings.add(Finding.ok("posture.boot", node.name(), service, "started at boot (" + atBoot.starter(init) + ")"));
            } else {
                findings.add(new Finding("posture.boot", node.name(), service, Verdict.FAIL, "not started at boot (" + said.state() + "): after its next restart the node"
                        + " does not run " + service, mend(atBoot, said, "was it masked on purpose?")));
            }
        }
        return findings;
    }

    /** Whether the extra listeners can be reached, by the evidence of the live ruleset. */
    private static String reachable(List<String> listeners, boolean dropping, LiveRuleset ruleset) {
        if (!dropping) {
            return "no default-drop firewall: reachable";
        }
        List<String> accepted = listeners.stream().map(PostureCheck::port).distinct()
                .flatMap(p -> ruleset.accepting(p).map(r -> p + " by `" + r + "`").stream()).toList();
        return accepted.isEmpty() ? "the firewall drops it" : "the live ruleset accepts " + String.join(", ", accepted);
    }

    /** An IPv4 address as ss shows a Java listener's ({@code [::ffff:10.77.0.20]}) in its plain form. */
    private static String unmapped(String address) {
        return address.startsWith("[::ffff:") && address.endsWith("]") && address.indexOf('.') > 0 ? address.substring(8, address.length() - 1) : address;
    }

    private static int port(String listener) {
        return Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
    }

    private static Finding release(Node node, String dir) {
        return dir.startsWith(NodeLayout.APP_RELEASES)
                ? Finding.ok("posture.release", node.name(), RELEASE_TARGET + dir.substring(NodeLayout.APP_RELEASES.length()), dir)
                : new Finding("posture.release", node.name(), "release", Verdict.FAIL, "no application release installed ("
                + NodeLayout.APP_CURRENT + " -> " + (dir.isEmpty() ? "nothing" : dir) + ")", "run oth install");
    }

    private Finding support(Node node, String output) {
        SupportAccess.NodeStatus status = SupportAccess.parseStatus(node.name(), SupportAccess.isEntry(node, playbooks), output);
        String state = status.state(clock.instant());
        return switch (state) {
            case "closed" -> Finding.ok("posture.support", node.name(), "support access", "closed");
            case "open" -> Finding.ok("posture.support", node.name(), "support access", "open " + status.describe());
            default -> new Finding("posture.support", node.name(), "support access", Verdict.WARN, state + ": " + status.describe(),
                    "oth support close removes what is left of support access");
        };
    }

    /**
     * App nodes that run different releases are each a warning naming them all: an upgrade that
     * did not finish, or a node someone switched by hand.
     */
    static List<Finding> oneRelease(List<Finding> findings) {
        List<Finding> releases = findings.stream().filter(f -> f.id().equals("posture.release") && f.verdict() == Verdict.OK).toList();
        if (releases.stream().map(Finding::target).distinct().count() < 2) {
            return findings;
        }
        String who = String.join(", ", releases.stream().map(f -> f.vantage() + " " + f.target().substring(RELEASE_TARGET.length())).toList());
        return findings.stream().map(f -> !releases.contains(f) ? f : new Finding(f.id(), f.vantage(), f.target(), Verdict.WARN,
                "the app nodes run different releases (" + who + ")", "an upgrade did not finish: oth upgrade (forward) or oth upgrade --rollback"))
                .toList();
    }

    private static String key(Node node) {
        return "posture:" + node.name();
    }

    private static String bootKey(Node node) {
        return "boot:" + node.name();
    }

    private static String servicesKey(Node node) {
        return "boot-services:" + node.name();
    }

    private static String rulesetKey(Node node) {
        return "ruleset:" + node.name();
    }
}
