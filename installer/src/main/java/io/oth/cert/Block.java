package io.oth.cert;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** A PEM block after parsing, and how findings refer to it: {@code block 2 (certificate CN=oth.example.test)}. */
sealed interface Block permits Block.Key, Block.Certificate, Block.Other, Block.Unreadable {

    int number();

    String what();

    default String where() {
        return "block " + number() + " (" + what() + ")";
    }

    /** The subject's CN when it has one (what people recognise), else the whole DN. */
    static String name(X509Certificate cert) {
        return name(cert.getSubjectX500Principal());
    }

    static String name(X500Principal principal) {
        RDN[] cns = X500Name.getInstance(principal.getEncoded()).getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            String dn = principal.getName(X500Principal.RFC2253);
            return dn.isEmpty() ? "(empty subject)" : dn;
        }
        return "CN=" + IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** A private key; {@code key} is null when the block is passphrase-protected. */
    record Key(int number, PrivateKey key) implements Block {
        boolean encrypted() {
            return key == null;
        }

        @Override
        public String what() {
            return "private key";
        }

        @Override
        public String toString() {
            return where();
        }
    }

    record Certificate(int number, X509Certificate cert) implements Block {
        @Override
        public String what() {
            return "certificate " + name(cert);
        }
    }

    /** A block that is neither key nor certificate; {@code tolerated} ones (EC/DH parameters) are not reported. */
    record Other(int number, String label, boolean tolerated) implements Block {
        @Override
        public String what() {
            return label.toLowerCase(Locale.ROOT);
        }
    }

    /** A key or certificate block that could not be decoded; {@code reason} completes "block N (…) …". */
    record Unreadable(int number, String label, String reason) implements Block {
        @Override
        public String what() {
            return label.toLowerCase(Locale.ROOT);
        }

        boolean isKey() {
            return label.endsWith("PRIVATE KEY");
        }
    }
}
