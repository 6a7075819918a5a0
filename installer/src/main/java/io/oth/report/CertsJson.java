package io.oth.report;

import io.oth.ca.CertificateStatus;
import io.oth.certs.ServiceCertificates;

import java.util.List;

/** {@code oth certs status --json}: the data of schema {@code oth-certs-status/1} (docs/schemas/certs-status.schema.json). */
public final class CertsJson {
    private CertsJson() {
    }

    /** {@code renewSoon}: a certificate expires within the renewal window (the exit code is 1 then); {@code unreached}: why each node was not read. */
    public record Status(List<Certificate> certificates, boolean renewSoon, List<String> unreached) {
    }

    /** One service's certificate on one node; {@code installed} false and the rest null when there is none. */
    public record Certificate(String node, String service, boolean installed, String subject, String issuer, Boolean issuedBySiteCa,
                              String notAfter, Long daysLeft) {
    }

    public static Status of(ServiceCertificates.Status status) {
        return new Status(status.rows().stream().map(r -> {
            CertificateStatus s = r.status().orElse(null);
            return s == null ? new Certificate(r.node(), r.service(), false, null, null, null, null, null)
                    : new Certificate(r.node(), r.service(), true, s.subject(), s.issuer(), s.issuedByThisCa(), s.notAfter().toString(), s.daysLeft());
        }).toList(), status.renewSoon(), status.unreached().stream().map(Throwable::getMessage).toList());
    }
}
