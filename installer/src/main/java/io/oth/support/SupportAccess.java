package io.oth.support;

import io.oth.input.Durations;

import io.oth.firewall.FirewallOp;
import io.oth.firewall.FirewallRules;
import io.oth.concurrent.Parallel;
import io.oth.phase.Rollback;
import io.oth.progress.Progress;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time-limited SSH access for OTH support staff (network specification: from the support addresses
 * to the load balancer, and from there to the other nodes). A grant ends by itself, three ways at
 * once, so that no single thing left behind keeps it open:
 * <ul>
 * <li>the entry node's firewall lets the support addresses in through an nftables set whose
 *     elements carry a timeout: the kernel drops them when the grant ends;</li>
 * <li>each support key is installed with OpenSSH's {@code expiry-time}, {@code from} (the support
 *     addresses on the entry node, the entry node's address elsewhere) and {@code restrict}
 *     (forwarding only to the other nodes' SSH port);</li>
 * <li>every node schedules its own close, which also ends sessions still logged in.</li>
 * </ul>
 * {@code oth support close} ends it at once. The support user {@value #USER} has no password;
 * while a grant lasts it may use sudo.
 */
public final class SupportAccess {
    public static final String USER = "oth-support";
    static final String HOME = "/home/" + USER;
    static final String KEYS = HOME + "/.ssh/authorized_keys";
    static final String SUDOERS = "/etc/sudoers.d/" + USER;
    static final String STATE = "/var/lib/oth/support";
    /** Re-adds the support addresses for what is left of the grant; run by {@code open} and by the firewall after each reload. */
    static final String REOPEN = FirewallOp.SUPPORT_REOPEN;
    static final String CLOSE = STATE + "/close";
    static final String GRANT = STATE + "/grant";
    static final String LOG = "/var/log/oth-support.log";
    /** How much of what a node says it ended goes into the row of the close report. */
    private static final int SAID_MAX = 200;
    public static final Duration SHORTEST = Duration.ofSeconds(10);
    public static final Duration LONGEST = Duration.ofDays(7);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The scheduled close's shell writes its PID here; a new grant or a close stops it. */
    static final String TIMER = STATE + "/timer.pid";
    /** Prints how many keys the support user has: one number, 0 when there is no file. */
    private static final String KEY_COUNT = "cat " + KEYS + " 2>/dev/null | grep -c '^[^#]'";
    private static final String STOP_TIMER = "[ ! -s " + TIMER + " ] || kill \"$(cat " + TIMER + ")\" 2>/dev/null || true; rm -f " + TIMER + ";";

    private SupportAccess() {
    }

    /** What one node did: a line for the person, or why it could not. */
    public record NodeOutcome(String node, String said, Optional<RemoteException> failure) {
        static NodeOutcome done(String node, String said) {
            return new NodeOutcome(node, said, Optional.empty());
        }

        static NodeOutcome failed(Fleet.Reach reach) {
            RemoteException e = reach.failure().orElseGet(() -> new RemoteException(reach.node().name(), Failure.NODE_UNREACHABLE, "not reached"));
            return new NodeOutcome(reach.node().name(), e.getMessage(), Optional.of(e));
        }

        static NodeOutcome failed(String node, RemoteException e) {
            return new NodeOutcome(node, e.getMessage(), Optional.of(e));
        }

        public boolean ok() {
            return failure.isEmpty();
        }
    }

    /** One node's support state, as read from it. */
    public record NodeStatus(String node, boolean entry, Optional<Instant> until, int keys, int sessions, List<String> addresses,
                             Optional<String> problem) {
        static NodeStatus unknown(String node, boolean entry, String problem) {
            return new NodeStatus(node, entry, Optional.empty(), 0, 0, List.of(), Optional.of(problem));
        }

        public boolean open(Instant now) {
            return until.isPresent() && until.get().isAfter(now) && keys > 0 && (!entry || !addresses.isEmpty());
        }

        /** What is open, for a person: {@code until ... (2 key(s); firewall: 52.30.207.215)}. */
        public String describe() {
            return until.map(u -> "until " + u).orElse("no grant") + " (" + keys + " key(s), " + sessions + " session process(es)"
                    + (entry ? "; firewall: " + (addresses.isEmpty() ? "closed" : String.join(", ", addresses)) : "") + ")";
        }

        /** open / closed / expired / a problem, for the status table. */
        public String state(Instant now) {
            if (problem.isPresent()) {
                return "unknown";
            }
            if (open(now)) {
                return "open";
            }
            if (until.isEmpty() && keys == 0 && sessions == 0 && addresses.isEmpty()) {
                return "closed";
            }
            if (until.isPresent() && !until.get().isAfter(now)) {
                return "expired, not cleaned up";
            }
            return "left over";
        }
    }

    /** A grant to make: how long, from where, with which keys, who made it and why (for the audit logs). */
    public record Grant(Duration length, List<String> addresses, SupportKeys keys, String by, String reason) {
        public Grant {
            if (length.compareTo(SHORTEST) < 0 || length.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("--for " + Durations.format(length) + ": a grant lasts from " + Durations.format(SHORTEST)
                        + " to " + Durations.format(LONGEST));
            }
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("the site lists no support addresses (support.addresses): nobody could use the grant");
            }
            if (reason.contains("\n")) {
                throw new IllegalArgumentException("--reason must be one line");
            }
        }
    }

    /** The nodes the support staff enter first: those whose role lets {@code support} in. */
    public static boolean isEntry(Node node, Playbooks playbooks) {
        return playbooks.roles().get(node.role()).inbound().stream().anyMatch(in -> in.from().contains("support"));
    }

    /**
     * Opens (or extends, or shortens) the grant on every node, or on none: when a node cannot be
     * reached nothing is changed, and when one fails the grant is closed again everywhere.
     */
    public static List<NodeOutcome> open(Site site, Playbooks playbooks, Fleet fleet, Grant grant, Instant now, int concurrency, Progress progress) {
        List<NodeOutcome> unreached = fleet.reaches().stream().filter(r -> r.host().isEmpty()).map(NodeOutcome::failed).toList();
        if (!unreached.isEmpty()) {
            return unreached;
        }
        Instant until = now.plus(grant.length());
        String id = HexFormat.of().formatHex(random());
        List<String> entryAddresses = site.nodes().stream().filter(n -> isEntry(n, playbooks)).map(Node::address).toList();
        Rollback rollback = new Rollback();
        Map<String, Closing> closings = new ConcurrentHashMap<>();
        List<NodeOutcome> outcomes = Parallel.map(fleet.reaches(), concurrency, reach -> {
            Node node = reach.node();
            Host host = reach.host().orElseThrow();
            // Pushed before the grant: a node that fails halfway (keys written, firewall not yet) is closed too.
            Closing closing = new Closing(host);
            closings.put(closing.what(), closing);
            rollback.push(closing.what(), closing);
            try (Progress.Activity opening = progress.start(node.name(), "support open")) {
                opening.step("keys until " + until + ", sudo rule, firewall addresses and the node's own timer");
                boolean entry = isEntry(node, playbooks);
                List<String> others = site.nodes().stream().filter(n -> !n.name().equals(node.name()))
                        .map(n -> Addresses.hostPort(n.address(), fleet.sshPort(n))).toList();
                String options = entry ? entryOptions(grant.addresses(), others, until) : innerOptions(entryAddresses, until);
                return NodeOutcome.done(node.name(), openOn(host, entry, options, grant, id, until, now));
            } catch (RemoteException e) {
                return NodeOutcome.failed(node.name(), e);
            }
        });
        if (outcomes.stream().allMatch(NodeOutcome::ok)) {
            rollback.commit();
            return outcomes;
        }
        List<NodeOutcome> result = new ArrayList<>(outcomes.stream().filter(o -> !o.ok()).toList());
        rollback.unwind().forEach(undone -> result.add(closings.get(undone.what()).outcome));
        return result;
    }

    /** The undo of a grant on one node: closes it, and keeps what the node said for the person. */
    private static final class Closing implements Rollback.Undo {
        private final Host host;
        private volatile NodeOutcome outcome;

        Closing(Host host) {
            this.host = host;
        }

        String what() {
            return "close the grant on " + host.name();
        }

        @Override
        public void undo() throws RemoteException {
            try {
                outcome = NodeOutcome.done(host.name(), "rolled back: " + closeOn(host, "the grant failed on a node"));
            } catch (RemoteException e) {
                outcome = NodeOutcome.failed(host.name(), e);
                throw e;
            }
        }
    }

    /** Ends the grant on every reached node now: keys, sudo rule, firewall set elements, sessions. */
    public static List<NodeOutcome> close(Fleet fleet, int concurrency, Progress progress) {
        return Parallel.map(fleet.reaches(), concurrency, reach -> {
            if (reach.host().isEmpty()) {
                return NodeOutcome.failed(reach);
            }
            Host host = reach.host().get();
            try (Progress.Activity closing = progress.start(host.name(), "support close")) {
                closing.step("keys, sudo rule, firewall addresses and open sessions");
                return NodeOutcome.done(host.name(), closeOn(host, "oth support close"));
            } catch (RemoteException e) {
                return NodeOutcome.failed(host.name(), e);
            }
        });
    }

    /** Ends the grant on {@code host} now; what the node says it ended, safe for a table row. */
    private static String closeOn(Host host, String why) throws RemoteException {
        CommandResult r = host.run(Command.shell(closeScript(Command.quote(why))), STEP_TIMEOUT);
        if (!r.ok()) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "closing support access: " + r.diagnostic());
        }
        return NodeText.cell(r.stdout().strip(), SAID_MAX);
    }

    /** What every reached node has now. */
    public static List<NodeStatus> status(Playbooks playbooks, Fleet fleet, int concurrency) {
        return Parallel.map(fleet.reaches(), concurrency, reach -> {
            Node node = reach.node();
            boolean entry = isEntry(node, playbooks);
            if (reach.host().isEmpty()) {
                return NodeStatus.unknown(node.name(), entry, reach.failure().map(Throwable::getMessage).orElse("not reached"));
            }
            try {
                CommandResult r = reach.host().get().run(Command.shell(statusScript(entry)), STEP_TIMEOUT);
                return r.ok() ? parseStatus(node.name(), entry, r.stdout()) : NodeStatus.unknown(node.name(), entry, "reading support state: " + r.diagnostic());
            } catch (RemoteException e) {
                return NodeStatus.unknown(node.name(), entry, e.getMessage());
            }
        });
    }

    private static String openOn(Host host, boolean entry, String options, Grant grant, String id, Instant until, Instant now) throws RemoteException {
        List<String> said = new ArrayList<>();
        CommandResult user = host.run(Command.shell("set -e; mkdir -p " + STATE + "; chmod 700 " + STATE + ";"
                + " if ! id " + USER + " >/dev/null 2>&1; then useradd -m -d " + HOME + " -s /bin/bash -c 'OTH support staff (oth support)' " + USER
                + "; echo created; fi;"
                // '*': no password can ever match, yet sshd (even without PAM) lets a key in; '!' would lock the account
                + " usermod -p '*' " + USER + ";"
                + " install -d -m 0700 -o " + USER + " -g " + USER + " " + HOME + "/.ssh;"
                + " cat " + GRANT + " 2>/dev/null || true;"
                + " command -v sudo >/dev/null && [ -d /etc/sudoers.d ] && echo sudo || true"), STEP_TIMEOUT);
        if (!user.ok()) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "preparing the support user: " + user.diagnostic());
        }
        List<String> lines = user.stdout().lines().toList();
        if (lines.contains("created")) {
            said.add("created user " + USER);
        }
        Optional<Instant> before = lines.stream().filter(l -> l.matches("[0-9a-f]{1,64} [0-9]{1,12}")).findFirst()
                .map(l -> Instant.ofEpochSecond(Long.parseLong(l.split(" ")[1])));
        StringBuilder keys = new StringBuilder("# written by oth support open: OTH support staff until " + until + "; oth support close empties it\n");
        grant.keys().keys().forEach(k -> keys.append(k.line(options)).append('\n'));
        host.upload(keys.toString().getBytes(StandardCharsets.UTF_8), KEYS, USER + ":" + USER, "0600");
        said.add(grant.keys().keys().size() + " key(s) until " + until);
        if (lines.contains("sudo")) {
            host.upload((USER + " ALL=(ALL:ALL) NOPASSWD: ALL\n").getBytes(StandardCharsets.UTF_8), SUDOERS, "root:root", "0440", "visudo -cqf \"$1\"");
        } else {
            said.add("no sudo on this node: a plain shell");
        }
        host.upload(closeScriptFile().getBytes(StandardCharsets.UTF_8), CLOSE, "root:root", "0700");
        long seconds = Duration.between(now, until).toSeconds();
        StringBuilder arm = new StringBuilder("set -e; echo '" + id + " " + until.getEpochSecond() + "' > " + GRANT + ";");
        if (entry) {
            host.upload(reopenScript(grant.addresses(), until).getBytes(StandardCharsets.UTF_8), REOPEN, "root:root", "0700");
            arm.append(" if ! nft list set inet oth ").append(FirewallRules.SUPPORT_V4).append(" >/dev/null 2>&1; then")
                    .append(" echo 'the firewall has no support set: run oth install first, which installs it' >&2; exit 3; fi;")
                    .append(" nft flush set inet oth ").append(FirewallRules.SUPPORT_V4).append(";")
                    .append(" nft flush set inet oth ").append(FirewallRules.SUPPORT_V6).append(";")
                    .append(' ').append(REOPEN).append(';');
        }
        arm.append(' ').append(STOP_TIMER)
                .append(" setsid -f sh -c ").append(Command.quote("echo $$ > " + TIMER + "; sleep " + seconds + "; rm -f " + TIMER + "; [ \"$(cut -d' ' -f1 " + GRANT
                        + " 2>/dev/null)\" = " + id + " ] && " + CLOSE + " 'the grant ended'")).append(" </dev/null >/dev/null 2>&1;")
                .append(' ').append(logLine("open until " + until + " (" + grant.keys().keys().size() + " key(s): "
                        + String.join(", ", grant.keys().keys().stream().map(SupportKeys.Key::fingerprint).toList()) + ") by " + grant.by()
                        + (grant.reason().isEmpty() ? "" : ": " + grant.reason())));
        CommandResult armed = host.run(Command.shell(arm.toString()), STEP_TIMEOUT);
        if (!armed.ok()) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "opening support access: " + armed.diagnostic());
        }
        if (entry) {
            said.add("firewall lets " + String.join(", ", grant.addresses()) + " reach SSH");
        }
        String verb = before.filter(b -> b.isAfter(now)).map(b -> "extended (was until " + b + "): ").orElse("opened: ");
        return verb + String.join("; ", said);
    }

    /** {@code authorized_keys} options on the entry node: from the support addresses; forwarding only to the other nodes' SSH ({@code host:port}, the port of their role's rule named ssh). */
    static String entryOptions(List<String> supportAddresses, List<String> otherSsh, Instant until) {
        StringBuilder b = new StringBuilder("from=\"" + String.join(",", supportAddresses) + "\",expiry-time=\"" + EXPIRY.format(until)
                + "\",restrict,pty");
        if (!otherSsh.isEmpty()) {
            b.append(",port-forwarding");
            otherSsh.forEach(a -> b.append(",permitopen=\"").append(a).append('"'));
        }
        return b.toString();
    }

    /** {@code authorized_keys} options on the other nodes: only from the entry nodes, no forwarding. */
    static String innerOptions(List<String> entryAddresses, Instant until) {
        return "from=\"" + String.join(",", entryAddresses) + "\",expiry-time=\"" + EXPIRY.format(until) + "\",restrict,pty";
    }

    /** The node's own way to end the grant, run by its timer and by {@code close}; prints what it ended. */
    static String closeScriptFile() {
        return "#!/bin/sh\n# written by oth support open: ends the OTH support grant on this node (oth support close runs the same)\n"
                + closeScript("\"$1\"") + "\n";
    }

    private static String closeScript(String reasonWord) {
        return "had=$(" + KEY_COUNT + ");"
                + " sessions=$(pgrep -c -u " + USER + " 2>/dev/null || true); sessions=${sessions:-0};"
                + " grant=$(cat " + GRANT + " 2>/dev/null || true);"
                + " [ ! -e " + KEYS + " ] || : > " + KEYS + ";"
                + " rm -f " + SUDOERS + " " + REOPEN + " " + GRANT + ";"
                + " dropped=0; if nft list set inet oth " + FirewallRules.SUPPORT_V4 + " >/dev/null 2>&1; then"
                + " dropped=$({ nft list set inet oth " + FirewallRules.SUPPORT_V4 + "; nft list set inet oth " + FirewallRules.SUPPORT_V6 + "; }"
                + " 2>/dev/null | grep -o 'expires' | wc -l);"
                + " nft flush set inet oth " + FirewallRules.SUPPORT_V4 + "; nft flush set inet oth " + FirewallRules.SUPPORT_V6 + " 2>/dev/null || true; fi;"
                + " if [ \"$sessions\" -gt 0 ]; then pkill -KILL -u " + USER + " || true; fi;"
                + " " + STOP_TIMER
                + " if [ -n \"$grant\" ] || [ \"$had\" -gt 0 ] || [ \"$dropped\" -gt 0 ] || [ \"$sessions\" -gt 0 ]; then"
                + " echo \"closed: removed $had key(s), $dropped firewall address(es), ended $sessions session process(es)\";"
                + " printf '%s closed: %s\\n' \"$(date -u +%FT%TZ)\" " + reasonWord + " >> " + LOG + ";"
                + " else echo 'already closed'; fi";
    }

    /** Adds the support addresses to the entry node's sets for what is left of the grant (nothing once it is over). */
    static String reopenScript(List<String> addresses, Instant until) {
        List<String> v4 = addresses.stream().filter(a -> !a.contains(":")).toList();
        List<String> v6 = addresses.stream().filter(a -> a.contains(":")).toList();
        StringBuilder b = new StringBuilder("#!/bin/sh\n# written by oth support open: lets the support addresses in until " + until
                + "; run again after each firewall reload\nleft=$(( " + until.getEpochSecond() + " - $(date +%s) ))\n[ \"$left\" -gt 0 ] || exit 0\nset -e\n");
        if (!v4.isEmpty()) {
            b.append("nft add element inet oth ").append(FirewallRules.SUPPORT_V4).append(" \"{ ")
                    .append(String.join(", ", v4.stream().map(a -> a + " timeout ${left}s").toList())).append(" }\"\n");
        }
        if (!v6.isEmpty()) {
            b.append("nft add element inet oth ").append(FirewallRules.SUPPORT_V6).append(" \"{ ")
                    .append(String.join(", ", v6.stream().map(a -> a + " timeout ${left}s").toList())).append(" }\"\n");
        }
        return b.toString();
    }

    /**
     * Prints what {@link #parseStatus} reads: the grant, the keys, the sessions and, on an entry node,
     * the firewall's support addresses. A node that never had a grant costs no process but the sets' listing.
     */
    public static String statusScript(boolean entry) {
        String user = "if [ -e " + GRANT + " ] || [ -d " + HOME + " ]; then"
                + " echo \"grant=$(cat " + GRANT + " 2>/dev/null)\";"
                + " echo \"keys=$(" + KEY_COUNT + ")\";"
                + " echo \"sessions=$(pgrep -c -u " + USER + " 2>/dev/null || echo 0)\";"
                + " fi";
        return !entry ? user : user + "; { nft list set inet oth " + FirewallRules.SUPPORT_V4 + "; nft list set inet oth " + FirewallRules.SUPPORT_V6
                + "; } 2>/dev/null | grep 'elements' || true";
    }

    private static final Pattern ELEMENT = Pattern.compile("([0-9a-fA-F.:/]+) timeout \\S+ expires \\S+");

    public static NodeStatus parseStatus(String node, boolean entry, String output) {
        Optional<Instant> until = Optional.empty();
        int keys = 0;
        int sessions = 0;
        List<String> addresses = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("grant=") && line.length() > "grant=".length()) {
                String[] parts = line.substring("grant=".length()).strip().split(" ");
                if (parts.length == 2 && parts[1].matches("[0-9]{1,12}")) {
                    until = Optional.of(Instant.ofEpochSecond(Long.parseLong(parts[1])));
                }
            } else if (line.startsWith("keys=")) {
                keys = parseCount(line.substring("keys=".length()));
            } else if (line.startsWith("sessions=")) {
                sessions = parseCount(line.substring("sessions=".length()));
            } else if (line.contains("elements")) {
                Matcher m = ELEMENT.matcher(line);
                while (m.find()) {
                    addresses.add(m.group(1));
                }
            }
        }
        return new NodeStatus(node, entry, until, keys, sessions, List.copyOf(addresses), Optional.empty());
    }

    private static int parseCount(String text) {
        String digits = text.strip().lines().findFirst().orElse("0");
        return digits.matches("[0-9]{1,9}") ? Integer.parseInt(digits) : 0;
    }

    /** Appends a timestamped line to the node's support log; {@code text} reaches the shell quoted. */
    private static String logLine(String text) {
        return "printf '%s %s\\n' \"$(date -u +%FT%TZ)\" " + Command.quote(text) + " >> " + LOG + ";";
    }

    private static byte[] random() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
