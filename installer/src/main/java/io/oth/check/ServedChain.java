package io.oth.check;

import io.oth.ca.Pem;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The certificates a TLS server sends, in the order it sends them, as PEM. The handshake accepts
 * whatever comes so that a broken chain can be examined (by the bundle check) rather than only
 * refused; nothing is sent over the connection.
 */
final class ServedChain {
    private ServedChain() {
    }

    static String fetch(String address, int port, String serverName, Duration timeout) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new X509TrustManager[] {new Examining()}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return Pem.of((Object[]) socket.getSession().getPeerCertificates());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Lets the handshake finish whatever the chain, so that the chain can be examined afterwards. */
    private static final class Examining implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("only used as a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // examined by BundleCheck after the handshake; the connection carries no data
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
