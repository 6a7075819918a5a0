package io.oth.check;

import io.oth.cert.TestBundles;
import io.oth.layout.Layout;
import io.oth.site.Playbooks;
import io.oth.site.ServicePorts;
import io.oth.site.Site;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the operator's machine sees: the FQDN from a lookup that answers from a table, and the load
 * balancer played by {@link LoopbackServers} (its HTTP and HTTPS ports moved to free ones).
 */
class OperatorChecksTest {
    private static final String FQDN = "oth.example.test";
    private static final String REDIRECT = "https://" + FQDN + "/doctor?probe=1";
    private final LoopbackServers servers = new LoopbackServers();

    @TempDir
    Path dir;

    @AfterEach
    void closeServers() throws IOException {
        servers.close();
    }

    private static OperatorChecks checks(Site site, int http, int https, NameLookup lookup) {
        ServicePorts table = ServicePorts.of(Playbooks.load());
        ServicePorts ports = new ServicePorts(http, https, table.traefik(), table.mariadb(), table.amqps(), table.amqp(), table.managementTls(), table.management(), table.minio());
        return new OperatorChecks(site, ports, lookup, Duration.ofSeconds(2), TestBundles.clock());
    }

    private static OperatorChecks resolvingTo(List<String> addresses, Optional<String> error) {
        return checks(Sites.lab(), 80, 443, name -> new NameLookup.Answer(addresses, "nameserver 203.0.113.53", error));
    }

    /** A site whose load balancer is this machine, reached on {@code http} and {@code https}. */
    private static OperatorChecks local(int http, int https) {
        return checks(Sites.lab(Sites.ALL_LOCAL, Set.of(), "127.0.0.1", Optional.empty()), http, https, name -> {
            throw new AssertionError("no lookup expected");
        });
    }

    @Test
    void theFqdnResolvingToTheLoadBalancerIsOk() {
        Finding f = resolvingTo(List.of("203.0.113.20", "2001:db8::20"), Optional.empty()).dns().get(0);
        assertEquals(new Finding("dns.fqdn", "operator", FQDN, Verdict.OK, "resolves to the load balancer 203.0.113.20 (nameserver 203.0.113.53)", ""), f,
                "an IPv6 address beside the IPv4 one of an IPv4 load balancer is not compared");
    }

    @Test
    void anFqdnThatDoesNotResolveOrPointsElsewhereFails() {
        Finding none = resolvingTo(List.of(), Optional.of("NXDOMAIN")).dns().get(0);
        assertEquals(Verdict.FAIL, none.verdict());
        assertEquals("does not resolve (nameserver 203.0.113.53: NXDOMAIN)", none.cause());
        assertEquals("add an A record " + FQDN + " → 203.0.113.20 where nameserver 203.0.113.53 looks", none.hint());

        Finding elsewhere = resolvingTo(List.of("198.51.100.7"), Optional.empty()).dns().get(0);
        assertEquals(Verdict.FAIL, elsewhere.verdict());
        assertEquals("resolves to 198.51.100.7, not the load balancer's 203.0.113.20 (nameserver 203.0.113.53)", elsewhere.cause());
        assertEquals("point the A record of " + FQDN + " at 203.0.113.20", elsewhere.hint());
    }

    @Test
    void thePlainPortRedirectingToHttpsIsOk() throws Exception {
        int http = servers.http("HTTP/1.1 301 Moved Permanently\r\nLocation: " + REDIRECT + "\r\nContent-Length: 0\r\n\r\n");
        Finding f = local(http, LoopbackServers.closedPort()).redirect();
        assertEquals(new Finding("ports.operator-lb", "operator", "127.0.0.1:" + http, Verdict.OK, "answers 301 → " + REDIRECT, ""), f);
        assertTrue(servers.requests.get(0).contains("Host: " + FQDN), servers.requests.toString());
    }

    @Test
    void aPlainPortThatDoesNotRedirectFails() throws Exception {
        int http = servers.http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Finding f = local(http, LoopbackServers.closedPort()).redirect();
        assertEquals(Verdict.FAIL, f.verdict());
        assertEquals("answers \"HTTP/1.1 200 OK\", not 301 → " + REDIRECT, f.cause());
        assertEquals("oth install configures haproxy to redirect port " + http + " to https; run it", f.hint());

        int elsewhere = servers.http("HTTP/1.1 301 Moved Permanently\r\nLocation: https://other.example.test/\r\n\r\n");
        assertEquals("answers \"HTTP/1.1 301 Moved Permanently\" → https://other.example.test/, not 301 → " + REDIRECT,
                local(elsewhere, LoopbackServers.closedPort()).redirect().cause());
    }

    @Test
    void nothingListeningIsARefusalNamingHaproxy() throws Exception {
        int http = LoopbackServers.closedPort();
        Finding f = local(http, LoopbackServers.closedPort()).redirect();
        assertEquals(Verdict.FAIL, f.verdict());
        assertEquals("connection refused", f.cause());
        assertEquals("nothing listens on 127.0.0.1:" + http + ": is haproxy running on lb?", f.hint());
    }

    @Test
    void aGoodChainServedIsAHandshakeAndAnOkCertificate() throws Exception {
        int https = servers.tls();
        List<Finding> f = local(LoopbackServers.closedPort(), https).served();
        String target = "127.0.0.1:" + https;
        assertEquals(List.of(new Finding("ports.operator-lb", "operator", target, Verdict.OK, "TLS handshake for " + FQDN, ""),
                new Finding("certs.served", "operator", target, Verdict.OK, "order, chain, name and expiry are right", "")), f);
    }

    @Test
    void noHandshakeIsAPortFindingWithoutCertificateFindings() throws Exception {
        int https = LoopbackServers.closedPort();
        List<Finding> f = local(LoopbackServers.closedPort(), https).served();
        assertEquals(1, f.size(), f.toString());
        assertEquals("ports.operator-lb", f.get(0).id());
        assertEquals(Verdict.FAIL, f.get(0).verdict());
        assertEquals("connection refused", f.get(0).cause());
    }

    @Test
    void theBundleFileIsCheckedWhenTheSiteNamesOne() throws Exception {
        assertEquals(List.of(), resolvingTo(List.of(), Optional.empty()).bundle(), "no bundle, no finding");

        Path good = Files.writeString(dir.resolve("good.pem"), TestBundles.good());
        List<Finding> ok = checks(Sites.lab(Sites.ALL_LOCAL, Set.of(), "203.0.113.20", Optional.of(good)), 80, 443, null).bundle();
        assertEquals(List.of(new Finding("certs.bundle", "operator", good.toString(), Verdict.OK, "order, chain, name and expiry are right", "")), ok);

        Path other = Files.writeString(dir.resolve("other.pem"), TestBundles.forOtherName());
        List<Finding> wrong = checks(Sites.lab(Sites.ALL_LOCAL, Set.of(), "203.0.113.20", Optional.of(other)), 80, 443, null).bundle();
        assertTrue(wrong.stream().anyMatch(f -> f.verdict() == Verdict.FAIL && f.hint().startsWith(Layout.doc("certificates.md") + " explains ")), wrong.toString());
    }
}
