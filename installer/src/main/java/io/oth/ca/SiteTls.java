package io.oth.ca;

import okhttp3.OkHttpClient;
import okhttp3.internal.tls.OkHostnameVerifier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS to one of the site's own services reached through a port forward: the chain must lead to the
 * site's root CA, and the service's certificate must name the address oth meant to reach (the
 * forward's local 127.0.0.1 is not what the certificate is about). Install (MinIO's accounts) and
 * doctor (the service logins) both connect this way.
 */
public final class SiteTls {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private SiteTls() {
    }

    /** A fresh context (no sessions shared with other logins) that trusts as {@code trust} does. */
    public static SSLContext context(X509TrustManager trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new X509TrustManager[] {trust}, null);
        return context;
    }

    /** The JDK's own chain check over exactly {@code roots}, and no other CA (none: it trusts nothing). */
    public static X509TrustManager trusting(List<X509Certificate> roots) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        for (int i = 0; i < roots.size(); i++) {
            store.setCertificateEntry("site-root-" + i, roots.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    /** Trusts chains that lead to {@code root} and whose server certificate names {@code expectedName}. */
    public static X509TrustManager trustManager(X509Certificate root, String expectedName) throws GeneralSecurityException {
        X509TrustManager chain = trusting(List.of(root));
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
                throw new CertificateException("oth does not accept client connections here");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
                chain.checkServerTrusted(certificates, authType);
                if (!names(certificates[0], expectedName)) {
                    throw new CertificateException("the certificate does not name " + expectedName);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return chain.getAcceptedIssuers();
            }
        };
    }

    /** Whether {@code certificate}'s subject alternative names include {@code name} (an IP address or a DNS name). */
    public static boolean names(X509Certificate certificate, String name) throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        if (names == null) {
            return false;
        }
        return names.stream().anyMatch(n -> {
            int type = (Integer) n.get(0);
            String value = String.valueOf(n.get(1));
            return type == SAN_DNS && value.equalsIgnoreCase(name) || type == SAN_IP && sameAddress(value, name);
        });
    }

    /**
     * An HTTP client for a site service at {@code address} reached through a forward: TLS trusting
     * as {@code trust} does, the certificate checked for {@code address} (not the forward's local
     * name), and {@code timeout} for connecting, reading and the whole call.
     */
    public static OkHttpClient.Builder httpClient(X509TrustManager trust, String address, Duration timeout) throws GeneralSecurityException {
        long millis = timeout.toMillis();
        return new OkHttpClient.Builder()
                .sslSocketFactory(context(trust).getSocketFactory(), trust)
                .hostnameVerifier((host, session) -> OkHostnameVerifier.INSTANCE.verify(address, session))
                .connectTimeout(millis, TimeUnit.MILLISECONDS)
                .readTimeout(millis, TimeUnit.MILLISECONDS)
                .callTimeout(millis, TimeUnit.MILLISECONDS);
    }

    private static boolean sameAddress(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        if (!a.contains(":") || !b.contains(":")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b)); // IPv6 literals: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
