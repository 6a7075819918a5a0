package io.oth.cert;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Which DNS names a server certificate is valid for, matched the way browsers do (RFC 6125). */
final class ServerNames {
    private static final int SAN_DNS_NAME = 2;

    private ServerNames() {
    }

    static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == SAN_DNS_NAME) {
                        names.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A malformed extension names nothing; the name check then reports the mismatch.
        }
        return names;
    }

    static List<String> commonNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        for (RDN rdn : X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN)) {
            names.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
        }
        return names;
    }

    /**
     * Whether {@code pattern} (a certificate name) covers {@code fqdn}. A wildcard is only a whole
     * leftmost label and stands for exactly one label: {@code *.example.test} covers
     * {@code oth.example.test}, not {@code a.b.example.test} nor {@code example.test}.
     */
    static boolean covers(String pattern, String fqdn) {
        String name = normalize(pattern);
        String host = normalize(toAscii(fqdn));
        if (!name.startsWith("*.")) {
            return name.equals(host);
        }
        String base = name.substring(2);
        int firstDot = host.indexOf('.');
        return base.contains(".") && firstDot > 0 && host.substring(firstDot + 1).equals(base);
    }

    private static String toAscii(String fqdn) {
        try {
            return IDN.toASCII(fqdn, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return fqdn;
        }
    }

    private static String normalize(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
