package io.oth.cert;

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
}
