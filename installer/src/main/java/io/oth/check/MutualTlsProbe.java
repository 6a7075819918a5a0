package io.oth.check;

import io.oth.install.LbToApp;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.NodeText;
import io.oth.site.Addresses;
import io.oth.site.Node;
import io.oth.site.Site;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ports.lb-app to traefik's port: from the load balancer, the hop haproxy makes, made the same
 * way (curl with haproxy's client certificate, the site CA and the node's site-internal name).
 * Any HTTP answer over that TLS connection passes: the handshake, the chain and the name held,
 * and traefik took the client certificate (with TLS 1.3 a refused one shows only when reading).
 * When it fails, a plain-HTTP request (for the site's FQDN, as haproxy would ask) tells "traefik
 * serves no TLS here" apart from the rest.
 */
final class MutualTlsProbe {
    private static final Pattern TLS_LINE = Pattern.compile("(?m)^tls (\\d{1,3})\\b");
    private static final Pattern PLAIN_LINE = Pattern.compile("(?m)^plain (\\d{3})");
    private static final Pattern CURL_ERROR = Pattern.compile("curl: \\(\\d{1,3}\\) ([^\\n]*)");
    private static final int SHOWN = 200;

    private MutualTlsProbe() {
    }

    static Probe probe(String key, Site site, Node app, int port, int seconds) {
        String timeouts = "--connect-timeout " + seconds + " --max-time " + seconds;
        return Probe.waiting(key, "t=$(curl -sS -o /dev/null -w '%{http_code}' " + timeouts + " " + LbToApp.curl(site, app, port, "/")
                + " 2>&1); rc=$?; printf 'tls %s %s\\n' \"$rc\" \"$(printf '%s' \"$t\" | tr '\\n' ' ')\"; [ $rc = 0 ] && exit 0;"
                + " p=$(curl -s -o /dev/null -w '%{http_code}' " + timeouts + " -H " + Command.quote("Host: " + site.fqdn()) + " "
                + Command.quote("http://" + Addresses.hostPort(app.address(), port) + "/") + " 2>/dev/null); printf 'plain %s\\n' \"$p\"; exit 1");
    }

    /** The finding of the hop from {@code lb} to {@code app}, read from the probe's answer. */
    static Finding finding(String id, Node lb, Site site, Node app, String target, Probe.Answer answer) {
        String name = LbToApp.serverName(site, app);
        if (answer.ok()) {
            return Finding.ok(id, lb.name(), target, "mutual TLS: a certificate from the site CA for " + name + ", haproxy's client certificate accepted");
        }
        String output = answer.output();
        Matcher tls = TLS_LINE.matcher(output);
        int rc = tls.find() ? Integer.parseInt(tls.group(1)) : -1;
        Matcher error = CURL_ERROR.matcher(output);
        // The node's words: bounded, control characters made visible.
        String said = NodeText.cell(error.find() ? error.group(1) : output.strip(), SHOWN);
        Matcher plain = PLAIN_LINE.matcher(output);
        // traefik answers a plain request on its TLS entry point with 400 ("Client sent an HTTP request to an HTTPS server").
        Optional<String> plainStatus = plain.find() && !plain.group(1).equals("000") && !plain.group(1).equals("400")
                ? Optional.of(plain.group(1)) : Optional.empty();
        String configs = "/etc/traefik/traefik.yml and dynamic.yml on " + app.name();
        if (plainStatus.isPresent()) {
            return new Finding(id, lb.name(), target, Verdict.FAIL, "answers plain HTTP (status " + plainStatus.get() + "), not TLS",
                    "traefik on " + app.name() + " must serve only mutual TLS on this port, which haproxy connects to with TLS: "
                            + "oth install writes its TLS entry point; check " + configs);
        }
        Connect.Outcome outcome = switch (rc) {
            case 7 -> output.contains("No route to host") || output.contains("Network is unreachable") ? Connect.Outcome.NO_ROUTE
                    : output.contains("Connection refused") ? Connect.Outcome.REFUSED : Connect.Outcome.OTHER;
            case 28 -> Connect.Outcome.TIMEOUT;
            default -> Connect.Outcome.CONNECTED;
        };
        if (outcome != Connect.Outcome.CONNECTED) {
            return Connect.finding(id, lb, target, outcome, Verdict.FAIL);
        }
        return switch (rc) {
            case 58 -> new Finding(id, lb.name(), target, Verdict.FAIL, "haproxy's client certificate cannot be used: " + said,
                    "oth install (or oth certs rotate --service haproxy) writes it from the site CA");
            case 77 -> new Finding(id, lb.name(), target, Verdict.FAIL, "the site CA file cannot be read: " + said,
                    "oth install writes it beside haproxy's client certificate");
            case 60, 51 -> new Finding(id, lb.name(), target, Verdict.FAIL, "TLS: the certificate is not the site CA's for " + name + ": " + said,
                    "oth certs rotate --service traefik issues " + app.name() + " one from the site CA; check " + configs);
            case 56 -> new Finding(id, lb.name(), target, Verdict.FAIL, "TLS: traefik refused haproxy's client certificate: " + said,
                    "oth certs rotate --service haproxy; traefik must trust the site CA (tls.options.default.clientAuth in " + configs + ")");
            default -> new Finding(id, lb.name(), target, Verdict.FAIL, "TLS handshake failed: " + said,
                    "traefik on " + app.name() + " must serve mutual TLS with a certificate from the site CA: oth install; check " + configs);
        };
    }
}
