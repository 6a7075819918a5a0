package io.oth.cert;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/**
 * The one Bouncy Castle JCA provider of the process, for whoever asks for it by object (it is
 * never installed in {@link java.security.Security}). Making one registers thousands of algorithms
 * and loads their classes: tens of milliseconds of a doctor run, which wants it for the customer's
 * bundle and for the site CA alike.
 */
public final class BouncyCastle {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
