package io.oth.ca;

import java.time.Instant;

/**
 * What {@code oth certs status} shows for a certificate read back from a node: whom it is for (from
 * its common name {@code SERVICE.NODE}; a name of another form is the service, with an empty node),
 * who signed it (the issuer's name), until when it is valid, the whole days left (negative once expired) and whether this site's CA
 * issued it (the current issuing CA or one retired by a rotation).
 */
public record CertificateStatus(String service, String node, String subject, String issuer, Instant notAfter, long daysLeft, boolean issuedByThisCa) {

    public boolean expired() {
        return daysLeft < 0;
    }
}
