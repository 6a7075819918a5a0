package io.oth.remote.ssh;

import com.hierynomus.sshj.transport.cipher.BlockCiphers;
import com.hierynomus.sshj.transport.cipher.ChachaPolyCiphers;
import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import com.hierynomus.sshj.transport.kex.DHGroups;
import com.hierynomus.sshj.transport.kex.ExtInfoClientFactory;
import com.hierynomus.sshj.transport.mac.Macs;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.transport.kex.Curve25519SHA256;
import net.schmizz.sshj.transport.kex.DHGexSHA256;
import net.schmizz.sshj.transport.kex.ECDHNistP;

import java.util.ArrayList;
import java.util.List;

/**
 * sshj's configuration with the algorithms a current OpenSSH client offers, in its order, instead
 * of sshj's own list, which also offers CBC modes, arcfour, 3DES, Blowfish, HMAC-MD5 and HMAC-SHA1
 * and SHA-1 key exchanges (and tries out every one of its 33 ciphers when it is made: a tenth of a
 * CPU second of every command that connects):
 * <ul>
 * <li>ciphers: chacha20-poly1305@openssh.com, aes128-gcm@openssh.com, aes256-gcm@openssh.com,
 * aes128-ctr, aes192-ctr, aes256-ctr;</li>
 * <li>MACs (for the CTR modes only): hmac-sha2-256-etm, hmac-sha2-512-etm, hmac-sha2-256, hmac-sha2-512;</li>
 * <li>key exchange: curve25519-sha256 (and its libssh name), ecdh-sha2-nistp256/384/521,
 * diffie-hellman-group-exchange-sha256, diffie-hellman-group16-sha512, -group18-sha512, -group14-sha256.</li>
 * </ul>
 * Every OpenSSH since 6.5 (2014) has chacha20-poly1305 and curve25519; a server that has none of
 * these is refused in the handshake, by name.
 */
final class SshAlgorithms extends DefaultConfig {
    SshAlgorithms() {
        setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    }

    @Override
    protected void initCipherFactories() {
        List<Factory.Named<Cipher>> ciphers = new ArrayList<>(List.of(ChachaPolyCiphers.CHACHA_POLY_OPENSSH(), GcmCiphers.AES128GCM(),
                GcmCiphers.AES256GCM(), BlockCiphers.AES128CTR(), BlockCiphers.AES192CTR(), BlockCiphers.AES256CTR()));
        // As sshj does: a cipher this JVM cannot make is not offered (chacha20-poly1305 on a JDK that
        // refuses unsigned JCA providers, say).
        ciphers.removeIf(factory -> !works(factory));
        setCipherFactories(ciphers);
    }

    static boolean works(Factory.Named<Cipher> factory) {
        try {
            Cipher cipher = factory.create();
            cipher.init(Cipher.Mode.Encrypt, new byte[cipher.getBlockSize()], new byte[cipher.getIVSize()]);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    protected void initMACFactories() {
        setMACFactories(Macs.HMACSHA2256Etm(), Macs.HMACSHA2512Etm(), Macs.HMACSHA2256(), Macs.HMACSHA2512());
    }

    @Override
    protected void initKeyExchangeFactories() {
        setKeyExchangeFactories(new Curve25519SHA256.Factory(), new Curve25519SHA256.FactoryLibSsh(), new ECDHNistP.Factory256(),
                new ECDHNistP.Factory384(), new ECDHNistP.Factory521(), new DHGexSHA256.Factory(), DHGroups.Group16SHA512(),
                DHGroups.Group18SHA512(), DHGroups.Group14SHA256(), new ExtInfoClientFactory());
    }
}
