package io.oth.certs;

import io.oth.ca.ServiceIdentity;
import io.oth.ca.SiteCa;
import io.oth.fleet.FleetConnector;
import io.oth.remote.Failure;
import io.oth.remote.FixedFleet;
import io.oth.remote.Fleet;
import io.oth.remote.HostConnection;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.site.Application;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.SshEndpoint;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oth certs status: each service certificate on its node, read from a recording host and judged against the site CA. */
class ServiceCertificatesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    private static final ServiceIdentity IDENTITY = new ServiceIdentity("rabbitmq", "storage", List.of("storage"), List.of("10.77.0.20"),
            ServiceIdentity.Usage.SERVER);
    private static final SshEndpoint SSH = new SshEndpoint("x", 22, "oth", Path.of("/k"));
    private static final Node STORAGE = new Node("storage", "storage", "10.77.0.20", Optional.empty(), SSH);
    private static final Site SITE = new Site(Path.of("/site.yml"), "lab", "oth.example.test", Optional.empty(), Optional.empty(),
            List.of(new Node("lb", "lb", "10.77.0.2", Optional.empty(), SSH), new Node("app1", "app", "10.77.0.101", Optional.empty(), SSH), STORAGE), Set.of(),
            new Storage(new Storage.Service(Optional.empty()), new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false),
            Optional.empty(), List.of(), new Application(Optional.empty(), Optional.empty(), Optional.empty()), List.of());

    @TempDir
    Path home;

    private static FleetConnector connecting(Fleet.Reach storage, List<List<Node>> asked) {
        return connecting(List.of(storage), asked);
    }

    private static FleetConnector connecting(List<Fleet.Reach> reaches, List<List<Node>> asked) {
        return new FleetConnector() {
            @Override
            public Fleet connect(Site site, List<Node> nodes) {
                asked.add(nodes);
                return new FixedFleet(reaches);
            }

            @Override
            public HostConnection connectOne(Site site, Node node) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int concurrency() {
                return 1;
            }
        };
    }

    @Test
    void eachServiceIsReadOnTheStorageNodeAndJudgedAgainstTheSiteCa() throws Exception {
        SiteCa ca = SiteCa.openOrCreate(home.resolve("lab"), "lab", CLOCK);
        RecordingHost host = new RecordingHost("storage")
                .has("/etc/rabbitmq/oth-tls/server.pem", ca.issue(IDENTITY).certPem(), "root", "0644")
                .has("/etc/minio/certs/public.crt", SiteCa.openOrCreate(home.resolve("other"), "other", CLOCK).issue(IDENTITY).certPem(), "root", "0644");
        List<List<Node>> asked = new java.util.ArrayList<>();
        ServiceCertificates.Status status = ServiceCertificates.status(SITE, connecting(Fleet.Reach.reached(STORAGE, host, Duration.ZERO), asked), ca);

        assertEquals(List.of(List.of(SITE.node("lb").orElseThrow(), SITE.node("app1").orElseThrow(), STORAGE)), asked,
                "the nodes with certificates from the site CA are connected to");
        assertEquals(List.of("storage mariadb", "storage minio", "storage rabbitmq"), status.rows().stream().map(r -> r.node() + " " + r.service()).toList());
        assertEquals(Optional.empty(), status.rows().get(0).status(), "none installed");
        assertFalse(status.rows().get(1).status().orElseThrow().issuedByThisCa());
        assertTrue(status.rows().get(2).status().orElseThrow().issuedByThisCa());
        assertEquals(90, status.rows().get(2).status().orElseThrow().daysLeft());
        assertFalse(status.renewSoon());
        assertEquals(List.of(), status.unreached());
    }

    @Test
    void haproxysClientCertificateIsReadOnTheLoadBalancerAndTraefiksOnTheAppNodes() throws Exception {
        SiteCa ca = SiteCa.openOrCreate(home.resolve("lab"), "lab", CLOCK);
        Node lb = SITE.node("lb").orElseThrow();
        Node app1 = SITE.node("app1").orElseThrow();
        RecordingHost lbHost = new RecordingHost("lb").has("/etc/haproxy/oth-tls/client.pem",
                ca.issue(new ServiceIdentity("haproxy", "lb", List.of(), List.of(), ServiceIdentity.Usage.CLIENT)).fullChainPem(), "root", "0644");
        RecordingHost appHost = new RecordingHost("app1").has("/etc/traefik/oth-tls/server-chain.pem",
                ca.issue(new ServiceIdentity("traefik", "app1", List.of("app1"), List.of("10.77.0.101"), ServiceIdentity.Usage.SERVER)).fullChainPem(),
                "root", "0644");
        List<List<Node>> asked = new java.util.ArrayList<>();
        ServiceCertificates.Status status = ServiceCertificates.status(SITE, connecting(List.of(Fleet.Reach.reached(lb, lbHost, Duration.ZERO),
                Fleet.Reach.reached(app1, appHost, Duration.ZERO), Fleet.Reach.reached(STORAGE, new RecordingHost("storage"), Duration.ZERO)), asked), ca);

        assertEquals(List.of(List.of(lb, app1, STORAGE)), asked);
        assertEquals(List.of("lb haproxy true", "app1 traefik true", "storage mariadb false", "storage minio false", "storage rabbitmq false"),
                status.rows().stream().map(r -> r.node() + " " + r.service() + " " + r.status().map(x -> x.issuedByThisCa()).orElse(false)).toList());
    }

    @Test
    void aCertificateInsideTheRenewalWindowAsksForRenewal() throws Exception {
        SiteCa ca = SiteCa.openOrCreate(home.resolve("lab"), "lab", CLOCK);
        RecordingHost host = new RecordingHost("storage").has("/etc/rabbitmq/oth-tls/server.pem", ca.issue(IDENTITY, Duration.ofDays(29)).certPem(), "root", "0644");
        assertTrue(ServiceCertificates.status(SITE, connecting(Fleet.Reach.reached(STORAGE, host, Duration.ZERO), new java.util.ArrayList<>()), ca).renewSoon());
    }

    @Test
    void aNodeThatCannotBeReachedIsNamedAndHasNoRows() throws Exception {
        SiteCa ca = SiteCa.openOrCreate(home.resolve("lab"), "lab", CLOCK);
        RemoteException refused = new RemoteException("storage", Failure.NODE_AUTH, "publickey refused");
        ServiceCertificates.Status status = ServiceCertificates.status(SITE, connecting(Fleet.Reach.failed(STORAGE, refused, Duration.ZERO),
                new java.util.ArrayList<>()), ca);
        assertEquals(List.of(refused), status.unreached());
        assertEquals(List.of(), status.rows());
        assertFalse(status.renewSoon());
    }
}
