package io.oth.check;

import io.oth.cert.BundleCheck;
import io.oth.site.Role;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.Addresses;
import io.oth.site.ServicePorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the operator's machine sees of the site: the FQDN in DNS, port 80's redirect, the chain served on 443, the bundle file. */
final class OperatorChecks {
    static final String VANTAGE = Vantage.OPERATOR;

    private final Site site;
    private final NameLookup lookup;
    private final Duration timeout;
    private final Clock clock;
    private final Node lb;
    private final String lbAddress;
    /** haproxy's HTTP and HTTPS ports, from the network table. */
    private final ServicePorts ports;

    OperatorChecks(Site site, ServicePorts ports, NameLookup lookup, Duration timeout, Clock clock) {
        this.site = site;
        this.ports = ports;
        this.lookup = lookup;
        this.timeout = timeout;
        this.clock = clock;
        this.lb = site.nodesWithRole(Role.LB).get(0);
        this.lbAddress = lb.publicAddress().orElse(lb.address());
    }

    static List<CheckInfo> checks() {
        List<String> operator = List.of(VANTAGE);
        return List.of(
                new CheckInfo("ports.operator-lb", "the HTTP port answers 301 to https on the FQDN, the HTTPS port completes a TLS handshake (the lb rules named http and https)", operator),
                new CheckInfo("certs.served", "the chain haproxy serves: order, chain, name and expiry", operator),
                new CheckInfo("certs.bundle", "the certificate bundle file: order, chain, name, key and expiry", operator));
    }

    /** dns.fqdn from the operator: the FQDN must resolve to the load balancer's public address. */
    List<Finding> dns() {
        NameLookup.Answer answer = lookup.resolve(site.fqdn());
        // IPv4 as the nodes' view (getent ahostsv4) when the load balancer's address is IPv4
        boolean v4 = !lbAddress.contains(":");
        List<String> sameFamily = answer.addresses().stream().filter(a -> !a.contains(":") == v4).toList();
        return List.of(fqdnFinding(site.fqdn(), VANTAGE, lbAddress, new NameLookup.Answer(sameFamily, answer.server(), answer.error())));
    }

    /** The one rule for dns.fqdn from any vantage point. */
    static Finding fqdnFinding(String fqdn, String vantage, String expected, NameLookup.Answer answer) {
        if (answer.addresses().equals(List.of(expected))) {
            return Finding.ok("dns.fqdn", vantage, fqdn, "resolves to the load balancer " + expected + " (" + answer.server() + ")");
        }
        if (answer.addresses().isEmpty()) {
            return new Finding("dns.fqdn", vantage, fqdn, Verdict.FAIL, "does not resolve (" + answer.server()
                    + answer.error().map(e -> ": " + e).orElse("") + ")", "add an A record " + fqdn + " → " + expected + " where " + answer.server() + " looks");
        }
        return new Finding("dns.fqdn", vantage, fqdn, Verdict.FAIL, "resolves to " + String.join(", ", answer.addresses())
                + ", not the load balancer's " + expected + " (" + answer.server() + ")", "point the A record of " + fqdn + " at " + expected);
    }

    /** ports.operator-lb for port 80: it must answer with a permanent redirect to https on the FQDN. */
    Finding redirect() {
        String target = Addresses.hostPort(lbAddress, ports.http());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(lbAddress, ports.http()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("HEAD /doctor?probe=1 HTTP/1.1\r\nHost: " + site.fqdn() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> head = head(socket.getInputStream());
            String status = head.isEmpty() ? "" : head.get(0);
            String location = head.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("location:"))
                    .map(h -> h.substring("location:".length()).strip()).findFirst().orElse("");
            String expected = "https://" + site.fqdn() + "/doctor?probe=1";
            if (status.matches("HTTP/1\\.[01] 301( .*)?") && location.equals(expected)) {
                return Finding.ok("ports.operator-lb", VANTAGE, target, "answers 301 → " + expected);
            }
            return new Finding("ports.operator-lb", VANTAGE, target, Verdict.FAIL, "answers \"" + status + "\"" + (location.isEmpty() ? "" : " → " + location)
                    + ", not 301 → " + expected, "oth install configures haproxy to redirect port " + ports.http() + " to https; run it");
        } catch (IOException e) {
            return connectionFailed(target, Connect.outcome(e), e);
        }
    }

    /** certs.served from the operator, with ports.operator-lb for 443. */
    List<Finding> served() {
        String target = Addresses.hostPort(lbAddress, ports.https());
        try {
            String pem = ServedChain.fetch(lbAddress, ports.https(), site.fqdn(), timeout);
            List<Finding> findings = new ArrayList<>();
            findings.add(Finding.ok("ports.operator-lb", VANTAGE, target, "TLS handshake for " + site.fqdn()));
            findings.addAll(Certificates.served(VANTAGE, target, pem, site.fqdn(), clock));
            return findings;
        } catch (IOException e) {
            return List.of(connectionFailed(target, Connect.outcome(e), e));
        }
    }

    List<Finding> bundle() {
        return site.certificateBundle().map(bundle -> Certificates.findings("certs.bundle", VANTAGE, bundle.toString(),
                BundleCheck.check(bundle, site.fqdn(), clock))).orElse(List.of());
    }

    private Finding connectionFailed(String target, Connect.Outcome outcome, IOException e) {
        String hint = switch (outcome) {
            case REFUSED -> "nothing listens on " + target + ": is haproxy running on " + lb.name() + "?";
            case TIMEOUT -> "a firewall between this machine and " + target + " drops the connection (the load balancer's own rules allow " + ports.http() + " and " + ports.https() + " from anywhere)";
            case NO_ROUTE -> "no route from this machine to " + target;
            default -> "is haproxy running on " + lb.name() + ", with " + ports.http() + " and " + ports.https() + " open to this machine?";
        };
        String cause = outcome == Connect.Outcome.OTHER ? "failed: " + e.getMessage() : outcome.text();
        return new Finding("ports.operator-lb", VANTAGE, target, Verdict.FAIL, cause, hint);
    }

    private static List<String> head(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(8192);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return (end < 0 ? text : text.substring(0, end)).lines().toList();
    }
}
