package io.oth.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A CA's key and certificate. Its text names the certificate only. */
record Authority(PrivateKey key, X509Certificate certificate) {

    @Override
    public String toString() {
        return certificate.getSubjectX500Principal().getName() + " (until " + certificate.getNotAfter().toInstant() + ")";
    }
}
