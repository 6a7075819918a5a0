package io.oth.cert;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/**
 * The one Bouncy Castle JCA provider of the process, for whoever asks for it by object (it is
 * never installed in {@link java.security.Security}). Making one registers thousands of algorithms
 * and loads their classes: about a fifth of a CPU second in a fresh JVM. So it is made on first
 * use only, by what the JDK's own providers cannot do (the site CA's keys and certificates, a
 * customer key the JDK cannot read); a doctor, a no-op install or {@code oth nodes} never makes it.
 */
public final class BouncyCastle {
    private BouncyCastle() {
    }

    /** The provider, made on the first call. */
    public static Provider provider() {
        return Holder.PROVIDER;
    }

    private static final class Holder {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
