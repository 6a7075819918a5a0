package io.oth.cert;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;

/** Certificate bundles for tests outside this package (the setup wizard's bundle question). */
public final class TestBundles {
    private TestBundles() {
    }

    /** The clock the bundles are valid at. */
    public static Clock clock() {
        return TestPki.CLOCK;
    }

    /** key, leaf for oth.example.test, intermediate, root. */
    public static String good() {
        return TestPki.standard().goodBundle();
    }

    /** A good bundle, but for another name than oth.example.test. */
    public static String forOtherName() {
        return TestPki.builder().leafNames("other.example.test", "other.example.test").build().goodBundle();
    }

    /** The good bundle as a server's key store (alias "leaf", password "test"), for a TLS server in a test. */
    public static KeyStore goodKeyStore() throws GeneralSecurityException, java.io.IOException {
        TestPki pki = TestPki.standard();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("leaf", pki.leafKey.getPrivate(), "test".toCharArray(), new Certificate[] {pki.leaf, pki.intermediate, pki.root});
        return store;
    }
}
