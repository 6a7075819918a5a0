package io.oth.cert;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;

/** Whether a private key belongs to a certificate's public key, and how strong a key is. RSA and EC only. */
public final class KeyMatch {
    private static final byte[] PROBE = new byte[32];

    private KeyMatch() {
    }

    static boolean supported(Key key) {
        return key instanceof RSAKey || key instanceof ECKey;
    }

    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey pub) {
            return rsa.getModulus().equals(pub.getModulus())
                    && (!(rsa instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(pub.getPublicExponent()));
        }
        if (privateKey instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey pub) {
            ECParameterSpec domain = ec.getParams();
            if (!sameDomain(domain, pub.getParams())) {
                return false;
            }
            try {
                return signsFor(ec, pub);
            } catch (GeneralSecurityException | RuntimeException notForTheJdk) {
                // A curve the JDK does not take: the public point is the private scalar times the
                // generator, in Bouncy Castle's arithmetic (several times slower in a fresh JVM).
                ECPoint q = EC5Util.convertPoint(domain, domain.getGenerator()).multiply(ec.getS()).normalize();
                return q.getAffineXCoord().toBigInteger().equals(pub.getW().getAffineX())
                        && q.getAffineYCoord().toBigInteger().equals(pub.getW().getAffineY());
            }
        }
        return false;
    }

    /**
     * Whether a signature made with {@code key} verifies under {@code publicKey} (ECDSA with SHA-256,
     * the JDK's own): that holds only for the two halves of one EC key pair.
     */
    public static boolean signsFor(ECPrivateKey key, ECPublicKey publicKey) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(PROBE);
        return verifier.verify(signature);
    }

    /** Modulus length for RSA, order length for EC (256 for P-256); 0 for other algorithms. */
    static int bits(Key key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getOrder().bitLength();
        }
        return 0;
    }

    /** The smallest size browsers still accept for the key's algorithm. */
    static int minimumBits(Key key) {
        return key instanceof RSAKey ? 2048 : 256;
    }

    private static boolean sameDomain(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator()) && a.getOrder().equals(b.getOrder());
    }
}
