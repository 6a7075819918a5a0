package io.oth.standin;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS on one entry point ({@code entryPoints.NAME.http.tls}), from whatever dynamic configuration
 * is in force when a client connects: a reload serves the new certificate and options to the next
 * handshake while connections already open go on with theirs, as traefik does. The certificate is
 * the one whose names hold the client's SNI name; there is none for a client that sends no SNI or
 * another name (traefik would serve its self-signed default certificate, which no client that
 * verifies accepts), so that handshake fails.
 */
final class TlsEntryPoint extends HttpsConfigurator {

    private final String optionsName;
    private final Supplier<TlsConfig> tls;

    private TlsEntryPoint(SSLContext context, String optionsName, Supplier<TlsConfig> tls) {
        super(context);
        this.optionsName = optionsName;
        this.tls = tls;
    }

    /** The configurator of an entry point whose TLS options are named {@code optionsName}. */
    static TlsEntryPoint of(String optionsName, Supplier<TlsConfig> tls) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        Supplier<TlsConfig.Options> options = () -> tls.get().options(optionsName);
        context.init(new KeyManager[] {new SniKeyManager(tls)}, new TrustManager[] {new ClientTrust(options)}, null);
        return new TlsEntryPoint(context, optionsName, tls);
    }

    /** Called for every new connection: the options in force now decide its protocols and client authentication. */
    @Override
    public void configure(HttpsParameters params) {
        TlsConfig.Options options = tls.get().options(optionsName);
        SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
        parameters.setProtocols(options.minVersion().equals("TLSv1.3") ? new String[] {"TLSv1.3"}
                : new String[] {"TLSv1.3", "TLSv1.2"});
        switch (options.clientAuth()) {
            case REQUIRE_AND_VERIFY_CLIENT_CERT -> parameters.setNeedClientAuth(true);
            case VERIFY_CLIENT_CERT_IF_GIVEN -> parameters.setWantClientAuth(true);
            case NO_CLIENT_CERT -> parameters.setNeedClientAuth(false);
        }
        params.setSSLParameters(parameters);
    }

    /** Picks the certificate by SNI name from the configuration in force. */
    private static final class SniKeyManager extends X509ExtendedKeyManager {
        private final Supplier<TlsConfig> tls;
        /** Every certificate served so far by the SHA-256 of its leaf: a handshake asks for the chain after choosing. */
        private final Map<String, TlsConfig.Certificate> served = new ConcurrentHashMap<>();

        SniKeyManager(Supplier<TlsConfig> tls) {
            this.tls = tls;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType, engine == null ? null : engine.getHandshakeSession());
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null; // the entry points are served through SSLEngine only
        }

        private String choose(String keyType, SSLSession session) {
            if (!(session instanceof ExtendedSSLSession extended)) {
                return null;
            }
            String sni = null;
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
            TlsConfig.Certificate certificate = tls.get().certificateFor(sni);
            if (certificate == null || !keyTypeMatches(keyType, certificate.key())) {
                return null;
            }
            String alias = fingerprint(certificate.chain().get(0));
            served.putIfAbsent(alias, certificate);
            return alias;
        }

        private static boolean keyTypeMatches(String keyType, PrivateKey key) {
            return keyType.equals(key.getAlgorithm()) || keyType.startsWith("RSA") && key.getAlgorithm().equals("RSA");
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            TlsConfig.Certificate certificate = served.get(alias);
            return certificate == null ? null : certificate.chain().toArray(new X509Certificate[0]);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            TlsConfig.Certificate certificate = served.get(alias);
            return certificate == null ? null : certificate.key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        private static String fingerprint(X509Certificate certificate) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 of a certificate", e);
            }
        }
    }

    /**
     * Verifies a client's chain against the options' CA files, as Go's crypto/tls does for
     * RequireAndVerifyClientCert: a path to one of them, within its validity, and a leaf allowed
     * for client authentication (the JDK's PKIX trust manager checks the extended key usage).
     */
    private static final class ClientTrust extends X509ExtendedTrustManager {
        private final Supplier<TlsConfig.Options> options;
        private final Map<List<X509Certificate>, X509TrustManager> byCas = new ConcurrentHashMap<>();

        ClientTrust(Supplier<TlsConfig.Options> options) {
            this.options = options;
        }

        private X509TrustManager current() throws CertificateException {
            List<X509Certificate> cas = options.get().caFiles();
            if (cas.isEmpty()) {
                throw new CertificateException("no caFiles: client certificates are not verified on this entry point");
            }
            try {
                return byCas.computeIfAbsent(cas, ClientTrust::trustManager);
            } catch (IllegalStateException e) {
                throw new CertificateException(e.getMessage(), e);
            }
        }

        private static X509TrustManager trustManager(List<X509Certificate> cas) {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
                factory.init(store);
                for (TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509TrustManager x509) {
                        return x509;
                    }
                }
                throw new IllegalStateException("no X.509 trust manager");
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("the CA files cannot be used: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            current().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            current().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("the stand-in is never a TLS client of its entry points");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("the stand-in is never a TLS client of its entry points");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the stand-in is never a TLS client of its entry points");
        }

        /** The CAs named in the certificate request, so that a client picks a certificate they issued. */
        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return options.get().caFiles().toArray(new X509Certificate[0]);
        }
    }
}
