package io.oth.check;

import io.oth.ca.SiteTls;

import io.oth.ca.ServiceIdentity;
import io.oth.ca.SiteCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** certs.internal and the address check of SiteTls, on certificates from a real site CA. */
class CertificatesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ServiceIdentity RABBITMQ = new ServiceIdentity("rabbitmq", "storage", List.of("storage"), List.of("10.77.0.20", "fd00::20"),
            ServiceIdentity.Usage.SERVER);
    private static final String PATH = "/etc/rabbitmq/oth-tls/server.pem";

    @TempDir
    Path home;

    private SiteCa ca(String site) throws Exception {
        return SiteCa.openOrCreate(home.resolve(site), site, CLOCK);
    }

    @Test
    void aFreshCertificateFromTheSiteCaIsOk() throws Exception {
        SiteCa ca = ca("lab");
        Finding f = Certificates.internal("storage", "rabbitmq", PATH, ca.issue(RABBITMQ).certPem(), Optional.of(ca), CLOCK);
        assertEquals(Verdict.OK, f.verdict(), f::toString);
        assertEquals("valid for 90 more day(s), issued by the site CA", f.cause());
        assertEquals("rabbitmq " + PATH, f.target());
    }

    @Test
    void oneInsideTheRenewalWindowIsAWarningAndAnExpiredOneAFailure() throws Exception {
        SiteCa ca = ca("lab");
        String pem = ca.issue(RABBITMQ, Duration.ofDays(20)).certPem();
        Finding soon = Certificates.internal("storage", "rabbitmq", PATH, pem, Optional.of(ca), CLOCK);
        assertEquals(Verdict.WARN, soon.verdict(), soon::toString);
        assertTrue(soon.cause().startsWith("expires in 20 day(s)"), soon::toString);
        assertTrue(soon.hint().contains("oth certs rotate --service rabbitmq"), soon::toString);

        Finding expired = Certificates.internal("storage", "rabbitmq", PATH, pem, Optional.empty(), Clock.offset(CLOCK, Duration.ofDays(21)));
        assertEquals(Verdict.FAIL, expired.verdict(), expired::toString);
        assertTrue(expired.cause().startsWith("expired on "), expired::toString);
    }

    @Test
    void aCertificateFromAnotherCaOrNoneAtAllFails() throws Exception {
        String foreign = ca("other").issue(RABBITMQ).certPem();
        Finding f = Certificates.internal("storage", "rabbitmq", PATH, foreign, Optional.of(ca("lab")), CLOCK);
        assertEquals(Verdict.FAIL, f.verdict(), f::toString);
        assertTrue(f.cause().startsWith("not issued by this site's CA"), f::toString);

        Finding none = Certificates.internal("storage", "rabbitmq", PATH, "", Optional.of(ca("lab")), CLOCK);
        assertEquals(new Finding("certs.internal", "storage", "rabbitmq " + PATH, Verdict.FAIL, "no certificate installed",
                "oth install issues it from the site CA"), none);

        Finding garbage = Certificates.internal("storage", "rabbitmq", PATH, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                Optional.empty(), CLOCK);
        assertEquals(Verdict.FAIL, garbage.verdict(), garbage::toString);
    }

    @Test
    void theServiceCertificateMustNameTheAddressOthMeantToReach() throws Exception {
        var cert = ca("lab").issue(RABBITMQ).certificate();
        assertTrue(SiteTls.names(cert, "10.77.0.20"));
        assertTrue(SiteTls.names(cert, "fd00:0:0:0:0:0:0:20"), "IPv6 in another spelling");
        assertTrue(SiteTls.names(cert, "STORAGE"));
        assertFalse(SiteTls.names(cert, "127.0.0.1"));
        assertFalse(SiteTls.names(cert, "10.77.0.2"));
    }
}
