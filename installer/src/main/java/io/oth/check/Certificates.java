package io.oth.check;

import io.oth.ca.CertificateStatus;
import io.oth.ca.SiteCa;
import io.oth.cert.BundleCheck;
import io.oth.cert.BundleReport;
import io.oth.cert.FindingCode;
import io.oth.cert.Severity;
import io.oth.layout.Layout;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Certificate findings: the customer's bundle (on disk or as served) and the site CA's service certificates. */
final class Certificates {
    private Certificates() {
    }

    /** The chain a server sent, through the bundle check (which cannot expect a private key in it). */
    static List<Finding> served(String vantage, String target, String pem, String fqdn, Clock clock) {
        BundleReport report = BundleCheck.check(pem.getBytes(StandardCharsets.US_ASCII), "the chain served on " + target, fqdn, clock);
        return findings("certs.served", vantage, target, report);
    }

    static List<Finding> findings(String id, String vantage, String target, BundleReport report) {
        List<Finding> findings = new ArrayList<>();
        for (io.oth.cert.Finding f : report.findings()) {
            if (id.equals("certs.served") && (f.code() == FindingCode.NO_KEY || f.code() == FindingCode.KEY_NOT_FIRST)) {
                continue;
            }
            findings.add(new Finding(id, vantage, target, f.severity() == Severity.ERROR ? Verdict.FAIL : Verdict.WARN,
                    f.code() + ": " + f.message(), Layout.doc("certificates.md") + " explains " + f.code()));
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok(id, vantage, target, "order, chain, name and expiry are right"));
        }
        return findings;
    }

    /** certs.internal: one service certificate as installed on its node (empty {@code pem}: none there). */
    static Finding internal(String node, String service, String path, String pem, Optional<SiteCa> ca, Clock clock) {
        String target = service + " " + path;
        if (pem.isBlank()) {
            return new Finding("certs.internal", node, target, Verdict.FAIL, "no certificate installed", "oth install issues it from the site CA");
        }
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            return new Finding("certs.internal", node, target, Verdict.FAIL, "not a readable certificate: " + e.getMessage(),
                    "oth certs rotate --service " + service + " replaces it");
        }
        long days = SiteCa.daysLeft(cert, clock);
        Optional<CertificateStatus> status = ca.map(c -> c.status(cert));
        if (status.isPresent() && !status.get().issuedByThisCa()) {
            return new Finding("certs.internal", node, target, Verdict.FAIL, "not issued by this site's CA (" + cert.getIssuerX500Principal().getName() + ")",
                    "oth certs rotate --service " + service + " issues one from the site CA");
        }
        if (days < 0) {
            return new Finding("certs.internal", node, target, Verdict.FAIL, "expired on " + cert.getNotAfter().toInstant(),
                    "oth certs rotate --service " + service);
        }
        if (SiteCa.needsRenewal(cert, SiteCa.DEFAULT_RENEWAL_WINDOW, clock)) {
            return new Finding("certs.internal", node, target, Verdict.WARN, "expires in " + days + " day(s), on " + cert.getNotAfter().toInstant(),
                    "oth install renews certificates within 30 days of expiry; or oth certs rotate --service " + service);
        }
        return Finding.ok("certs.internal", node, target, "valid for " + days + " more day(s)" + (ca.isPresent() ? ", issued by the site CA" : ""));
    }
}
