package io.oth.check;

import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.site.Node;
import io.oth.site.Site;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * dns.resolver: whether the app node's nameserver answers at all. Without it every name the node
 * looks up fails alike, and the checks that need a name (dns.fqdn, outbound.*) would blame the
 * record or the target's firewall; they point here instead.
 *
 * <p>getent cannot tell "no such name" from "no answer", so the probe asks the nameserver itself:
 * one A query over UDP with bash's /dev/udp, reading the reply's header. A refusal (ICMP port
 * unreachable) shows as a failed read, silence as the timeout's exit code.
 */
final class ResolverCheck implements NodeCheck {
    static final String ID = "dns.resolver";
    /**
     * Sets {@code $ns} to the nameserver the node's resolver asks first (empty when none), with the
     * shell's own {@code read}: no process.
     */
    static final String NAMESERVER = "ns=; { while read -r k v _ || [ -n \"$k\" ]; do if [ \"$k\" = nameserver ]; then ns=$v; break; fi; done </etc/resolv.conf; } 2>/dev/null";
    private static final int NO_NAMESERVER = 3;
    private static final int TIMED_OUT = 124;
    private static final String[] RCODES = {"", "FORMERR", "SERVFAIL", "", "NOTIMP", "REFUSED"};

    private final Site site;
    private final int seconds;

    ResolverCheck(Site site, int seconds) {
        this.site = site;
        this.seconds = seconds;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "the node's nameserver answers (names the server; timed out or refused)", List.of(Vantage.APP)));
    }

    @Override
    public List<Probe> probes(Node node) {
        if (!node.role().equals(Vantage.APP)) {
            return List.of();
        }
        String ask = "set -o pipefail; exec 3<>\"/dev/udp/$1/53\" && printf \"$2\" >&3 && head -c 4 <&3 | od -An -tx1";
        return List.of(Probe.waiting(ID, NAMESERVER + "; echo \"${ns:-none}\"; [ -n \"$ns\" ] || exit " + NO_NAMESERVER
                + "; timeout " + seconds + " bash -c " + Command.quote(ask) + " _ \"$ns\" " + Command.quote(query(site.fqdn()))));
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        if (!node.role().equals(Vantage.APP)) {
            return List.of();
        }
        Probe.Answer answer = answers.get(ID);
        List<String> lines = answer.output().lines().toList();
        String server = lines.isEmpty() ? "none" : lines.get(0).strip();
        String rest = String.join(" ", lines.subList(Math.min(1, lines.size()), lines.size())).strip();
        String hint = "check /etc/resolv.conf on " + node.name() + " and the DNS server " + server + " (is it running, does a firewall drop port 53?)";
        if (answer.exitCode() == NO_NAMESERVER) {
            return List.of(new Finding(ID, node.name(), "/etc/resolv.conf", Verdict.FAIL, "no nameserver configured", "add a nameserver line to /etc/resolv.conf"));
        }
        String target = "nameserver " + server;
        if (answer.exitCode() == TIMED_OUT) {
            return List.of(new Finding(ID, node.name(), target, Verdict.FAIL, "timed out: no answer within " + seconds + " s", hint));
        }
        if (rest.contains("Operation not permitted")) {
            return List.of(new Finding(ID, node.name(), target, Verdict.FAIL, "blocked on " + node.name() + ": its own firewall does not let the query out",
                    "check the output rules of " + node.name() + "'s firewall (nft list ruleset) for port 53"));
        }
        if (rest.contains("Connection refused")) {
            return List.of(new Finding(ID, node.name(), target, Verdict.FAIL, "refused (nothing listens on " + server + " port 53)", hint));
        }
        String[] header = rest.split("\\s+");
        if (!answer.ok() || header.length != 4) {
            return List.of(new Finding(ID, node.name(), target, Verdict.FAIL, "no usable answer: " + firstLine(rest), hint));
        }
        int rcode = Integer.parseInt(header[3], 16) & 0x0f;
        if (rcode < RCODES.length && !RCODES[rcode].isEmpty()) {
            return List.of(new Finding(ID, node.name(), target, Verdict.FAIL, "answers " + RCODES[rcode] + " to a query for " + site.fqdn(), hint));
        }
        return List.of(Finding.ok(ID, node.name(), target, "answers"));
    }

    /** A finding of a check that needs a name, when the resolver it needs did not answer: not the target's fault. */
    static Finding notTried(Finding dependent, Finding resolver) {
        return new Finding(dependent.id(), dependent.vantage(), dependent.target(), Verdict.SKIP,
                "not tried: name resolution failed (" + ID + ": " + resolver.target() + " " + resolver.cause() + ")", "");
    }

    /** {@code name}'s A query as printf escapes: a fixed id, recursion desired, one question. */
    static String query(String name) {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        q.writeBytes(new byte[] {0x6f, 0x74, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
        for (String label : name.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            q.write(bytes.length);
            q.writeBytes(bytes);
        }
        q.writeBytes(new byte[] {0x00, 0x00, 0x01, 0x00, 0x01});
        StringBuilder escaped = new StringBuilder();
        for (byte b : q.toByteArray()) {
            escaped.append(String.format("\\x%02x", b & 0xff));
        }
        return escaped.toString();
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
