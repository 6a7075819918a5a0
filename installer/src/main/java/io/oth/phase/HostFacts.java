package io.oth.phase;

import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.remote.TempFiles;
import io.oth.site.Addresses;
import io.oth.site.SiteLoader;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What every phase may need to know about a node, read once per run in one session.
 *
 * <p>Every value is what the node says, and the node may lie (a shim first on PATH, a compromised
 * machine): each is parsed into a typed value here, and a value that does not parse fails that node
 * with a message that names it; nothing is rendered from a node whose facts were refused.
 *
 * @param sshSource  the address oth's SSH sessions come from, as the node sees it: the firewall
 *                   lets it in, so that oth does not lock itself out
 * @param sshPort    the port oth's SSH sessions arrive on, as the node sees it (its sshd's, after any
 *                   address translation on the way): the firewall's SSH rule opens this one, not the
 *                   network table's 22, where the site logs in on another
 * @param forwarding the node routes packets for others (then its firewall lets only the site's nodes out through it)
 * @param leftovers  temporary files of an earlier, killed run that this read removed (or, with --check, found)
 */
public record HostFacts(String hostname, InitSystem init, InetAddress sshSource, int sshPort, boolean forwarding, List<String> leftovers) {
    /** A hostname is at most 253 characters (RFC 1123); anything longer is not one. */
    private static final int MAX_HOSTNAME = 253;

    public HostFacts {
        leftovers = List.copyOf(leftovers);
    }

    public HostFacts(String hostname, InitSystem init, InetAddress sshSource, int sshPort, boolean forwarding) {
        this(hostname, init, sshSource, sshPort, forwarding, List.of());
    }

    /**
     * The client address and the server port of this SSH session (SSH_CONNECTION's first and last
     * fields), which the shell has unless sudo dropped it from the environment; then they are read
     * from the nearest ancestor process that still has it.
     */
    private static final String SSH_SOURCE = "if [ -n \"${SSH_CONNECTION:-}\" ]; then echo \"${SSH_CONNECTION%% *} ${SSH_CONNECTION##* }\"; else ("
            + " p=$$; while [ \"$p\" -gt 1 ]; do"
            + " c=$(tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p');"
            + " if [ -n \"$c\" ]; then echo \"${c%% *} ${c##* }\"; exit 0; fi;"
            + " p=$(cut -d' ' -f4 /proc/$p/stat); done; exit 1 ); fi";

    /**
     * Reads the facts of one node; with {@code sweep} it also removes the temporary files a killed
     * run left there, and its unpack directories in {@code unpackRoots} ({@link TempFiles}), else it
     * only lists them.
     */
    static HostFacts read(Host host, Duration timeout, boolean sweep, List<String> unpackRoots) throws RemoteException {
        CommandResult r = host.run(Command.shell(script(sweep, unpackRoots)), timeout);
        return parse(host.name(), Probe.parse(r.stdout()));
    }

    /** The script {@link #read} runs: a run that takes the nodes' locks runs it in the same session (Fleet#saidWithLock). */
    public static String script(boolean sweep, List<String> unpackRoots) {
        return Probe.script(List.of(
                // Read with the shell's own read where the kernel has the answer in a file: a
                // program started per fact is most of what this round costs a node. (dash reads a
                // byte at a time, and a sysctl file ends after its first byte then: read's status
                // says end of file, its variable has the value.)
                // All run in the shell itself: a subshell per fact costs about what a program does.
                Probe.inShell("hostname", "h=; { read -r h </proc/sys/kernel/hostname; } 2>/dev/null; if [ -n \"$h\" ]; then echo \"$h\"; else hostname; fi"),
                Probe.inShell("init", InitSystem.PROBE),
                Probe.inShell("source", SSH_SOURCE),
                Probe.inShell("forwarding", "f=; read -r f </proc/sys/net/ipv4/ip_forward; echo \"$f\""),
                Probe.inShell("leftovers", TempFiles.sweep(sweep, unpackRoots))));
    }

    /** The typed facts, or {@link Failure#FACT_REFUSED} naming the first value that is not what a node prints. */
    static HostFacts parse(String node, Map<String, Probe.Answer> answers) throws RemoteException {
        String hostname = answer(node, answers, "hostname", "hostname").strip();
        if (hostname.length() > MAX_HOSTNAME || !Addresses.isDnsName(hostname, 1)) {
            throw refused(node, "hostname " + NodeText.shown(hostname) + " is not a host name (RFC 1123)");
        }
        String init = answer(node, answers, "init", "init system").strip();
        InitSystem initSystem = InitSystem.parse(init)
                .orElseThrow(() -> refused(node, "init system " + NodeText.shown(init) + " is neither systemd nor sysv"));
        Probe.Answer sourceAnswer = answers.get("source");
        if (sourceAnswer == null || !sourceAnswer.ok()) {
            throw refused(node, "no SSH source address (SSH_CONNECTION is in no ancestor of oth's session)");
        }
        String[] session = sourceAnswer.output().strip().split(" ", -1);
        InetAddress source = sshSource(node, session[0]);
        int port = session.length == 2 ? SiteLoader.PORT.parse(session[1]).orElse(-1) : -1;
        if (port < 0) {
            throw refused(node, "SSH session " + NodeText.shown(sourceAnswer.output().strip()) + " is not its source address and the port it arrived on");
        }
        String forwarding = answer(node, answers, "forwarding", "ip_forward").strip();
        if (!forwarding.equals("0") && !forwarding.equals("1")) {
            throw refused(node, "ip_forward " + NodeText.shown(forwarding) + " is neither 0 nor 1");
        }
        List<String> leftovers = Optional.ofNullable(answers.get("leftovers")).map(a -> a.output().lines()
                .filter(l -> !l.isBlank()).map(NodeText::shown).toList()).orElse(List.of());
        return new HostFacts(hostname, initSystem, source, port, forwarding.equals("1"), leftovers);
    }

    /** Whether phases plan the same from these facts as from {@code other}: all but the leftovers are the same. */
    public boolean plansLike(HostFacts other) {
        return hostname.equals(other.hostname) && init == other.init && sshSource.equals(other.sshSource) && sshPort == other.sshPort
                && forwarding == other.forwarding;
    }

    /**
     * The nodes whose SSH source differs from the one most nodes report, each with a message. All
     * of oth's sessions come from one place (the bastion, or this machine), so a node that sees
     * another source is reached some other way, or lies; either is worth a person's look. Its
     * report opens only its own firewall ({@code FirewallRules}), so it is named, not refused.
     */
    public static Map<String, String> disagreeing(Map<String, HostFacts> all) {
        Map<InetAddress, Long> votes = all.values().stream().collect(Collectors.groupingBy(HostFacts::sshSource, Collectors.counting()));
        if (votes.size() < 2) {
            return Map.of();
        }
        InetAddress usual = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Map<String, String> odd = new TreeMap<>();
        all.forEach((name, f) -> {
            if (!f.sshSource().equals(usual)) {
                odd.put(name, "facts: this node sees oth's SSH come from " + f.sshSource().getHostAddress() + ", the others from "
                        + usual.getHostAddress() + "; its firewall lets in only what it reported itself");
            }
        });
        return odd;
    }

    private static InetAddress sshSource(String node, String text) throws RemoteException {
        InetAddress address = Addresses.ipLiteral(text)
                .orElseThrow(() -> refused(node, "SSH source address " + NodeText.shown(text) + " is not an IP address"));
        List<String> why = new ArrayList<>();
        if (address.isAnyLocalAddress()) {
            why.add("unspecified");
        }
        if (address.isLoopbackAddress()) {
            why.add("loopback");
        }
        if (address.isMulticastAddress()) {
            why.add("multicast");
        }
        if (address instanceof Inet4Address && address.getHostAddress().equals("255.255.255.255")) {
            why.add("broadcast");
        }
        if (!why.isEmpty()) {
            throw refused(node, "SSH source address " + text + " is " + String.join(", ", why) + ", not where an SSH session comes from");
        }
        return address;
    }

    private static String answer(String node, Map<String, Probe.Answer> answers, String key, String what) throws RemoteException {
        Probe.Answer a = answers.get(key);
        if (a == null) {
            throw refused(node, "no answer for the " + what);
        }
        return a.output();
    }

    private static RemoteException refused(String node, String detail) {
        return new RemoteException(node, Failure.FACT_REFUSED, detail);
    }
}
