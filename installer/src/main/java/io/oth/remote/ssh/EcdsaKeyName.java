package io.oth.remote.ssh;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.util.List;
import java.util.Map;

/**
 * The one algorithm name sshj asks for that the JDK's providers do not have: a KeyFactory called
 * "ECDSA" (Bouncy Castle's name; the JDK calls it "EC"), for ECDSA host and user keys. This
 * provider answers it with the JDK's own EC key factory, so that SSH needs no Bouncy Castle provider
 * (whose set-up costs a fresh JVM about a fifth of a CPU second).
 */
final class EcdsaKeyName extends Provider {
    static final String NAME = "oth-ecdsa-name";

    EcdsaKeyName() {
        super(NAME, "1.0", "the JDK's EC KeyFactory under Bouncy Castle's name ECDSA, for sshj");
        putService(new Service(this, "KeyFactory", "ECDSA", Spi.class.getName(), List.of(), Map.of()) {
            @Override
            public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
                return new Spi(KeyFactory.getInstance("EC"));
            }
        });
    }

    /** Every call handed to the JDK's EC key factory. */
    static final class Spi extends KeyFactorySpi {
        private final KeyFactory ec;

        Spi(KeyFactory ec) {
            this.ec = ec;
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return ec.getKeySpec(key, type);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return ec.translateKey(key);
        }
    }
}
