package io.oth.check;

import io.oth.ca.ServiceIdentity;
import io.oth.ca.SiteCa;
import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** certs.internal: the certificates the storage node's services have, from the probes' output (a real site CA issues them). */
class InternalCertificatesCheckTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
    private static final ServiceIdentity IDENTITY = new ServiceIdentity("rabbitmq", "storage", List.of("storage"), List.of("10.77.0.20"),
            ServiceIdentity.Usage.SERVER);

    @TempDir
    Path home;

    private SiteCa ca(String name) throws Exception {
        return SiteCa.openOrCreate(home.resolve(name), name, CLOCK);
    }

    private static Map<String, Finding> seen(InternalCertificatesCheck check, Node node, Map<String, String> outputs) {
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(node).forEach(p -> answers.put(p.key(), new Probe.Answer(0, outputs.getOrDefault(p.key(), ""))));
        Map<String, Finding> byService = new HashMap<>();
        check.findings(node, answers).forEach(f -> byService.put(f.target().substring(0, f.target().indexOf(' ')), f));
        return byService;
    }

    @Test
    void eachNodeIsAskedForItsLocalServicesCertificates() {
        Site site = Sites.lab();
        InternalCertificatesCheck check = new InternalCertificatesCheck(site, Optional::empty, CLOCK);
        List<Probe> probes = check.probes(Sites.node(site, "storage"));
        assertEquals(List.of("cert:mariadb", "cert:minio", "cert:rabbitmq"), probes.stream().map(Probe::key).toList());
        assertTrue(probes.get(2).script().contains("/etc/rabbitmq/oth-tls/server.pem"), probes.get(2).script());
        assertEquals(List.of("cert:traefik"), check.probes(Sites.node(site, "app1")).stream().map(Probe::key).toList(), "an app node has traefik's");
        assertEquals(List.of("cert:haproxy"), check.probes(Sites.node(site, "lb")).stream().map(Probe::key).toList(), "the LB haproxy's client certificate");
    }

    @Test
    void certificatesFromTheSiteCaAreOk() throws Exception {
        SiteCa ca = ca("lab");
        String pem = ca.issue(IDENTITY).certPem();
        InternalCertificatesCheck check = new InternalCertificatesCheck(Sites.lab(), () -> Optional.of(ca), CLOCK);
        Map<String, Finding> f = seen(check, Sites.node(Sites.lab(), "storage"), Map.of("cert:mariadb", pem, "cert:minio", pem, "cert:rabbitmq", pem));
        assertEquals(Set.of("mariadb", "minio", "rabbitmq"), f.keySet());
        f.values().forEach(finding -> {
            assertEquals(Verdict.OK, finding.verdict(), finding::toString);
            assertEquals("storage", finding.vantage());
            assertEquals("valid for 90 more day(s), issued by the site CA", finding.cause());
        });
        assertEquals("rabbitmq /etc/rabbitmq/oth-tls/server.pem", f.get("rabbitmq").target());
    }

    @Test
    void withoutTheSiteCaOnlyTheExpiryIsJudged() throws Exception {
        String pem = ca("lab").issue(IDENTITY).certPem();
        InternalCertificatesCheck check = new InternalCertificatesCheck(Sites.lab(), Optional::empty, CLOCK);
        Finding f = seen(check, Sites.node(Sites.lab(), "storage"), Map.of("cert:rabbitmq", pem)).get("rabbitmq");
        assertEquals(Verdict.OK, f.verdict());
        assertEquals("valid for 90 more day(s)", f.cause());
    }

    @Test
    void aMissingOrForeignCertificateFailsForItsServiceOnly() throws Exception {
        SiteCa ca = ca("lab");
        String foreign = ca("other").issue(IDENTITY).certPem();
        InternalCertificatesCheck check = new InternalCertificatesCheck(Sites.lab(), () -> Optional.of(ca), CLOCK);
        Map<String, Finding> f = seen(check, Sites.node(Sites.lab(), "storage"), Map.of("cert:mariadb", ca.issue(IDENTITY).certPem(),
                "cert:minio", foreign));
        assertEquals(Verdict.OK, f.get("mariadb").verdict());
        assertEquals(Verdict.FAIL, f.get("minio").verdict());
        assertTrue(f.get("minio").cause().startsWith("not issued by this site's CA"), f.get("minio").cause());
        assertEquals("oth certs rotate --service minio issues one from the site CA", f.get("minio").hint());
        assertEquals(new Finding("certs.internal", "storage", "rabbitmq /etc/rabbitmq/oth-tls/server.pem", Verdict.FAIL, "no certificate installed",
                "oth install issues it from the site CA"), f.get("rabbitmq"));
    }

    @Test
    void aServiceTheSiteRunsElsewhereIsNotChecked() {
        Storage externalDb = new Storage(new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "oth"))),
                new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false);
        Site site = Sites.lab(externalDb, Set.of());
        InternalCertificatesCheck check = new InternalCertificatesCheck(site, Optional::empty, CLOCK);
        assertEquals(List.of("cert:minio", "cert:rabbitmq"), check.probes(Sites.node(site, "storage")).stream().map(Probe::key).toList());
        assertEquals(Set.of("minio", "rabbitmq"), seen(check, Sites.node(site, "storage"), Map.of()).keySet());
    }
}
