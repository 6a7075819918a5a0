package io.oth.cert;

import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
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
final class KeyMatch {
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
            // The public point is the private scalar times the generator.
            ECPoint q = EC5Util.convertPoint(domain, domain.getGenerator()).multiply(ec.getS()).normalize();
            return q.getAffineXCoord().toBigInteger().equals(pub.getW().getAffineX())
                    && q.getAffineYCoord().toBigInteger().equals(pub.getW().getAffineY());
        }
        return false;
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
