package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS entry point as oth configures traefik on an app node: the node's certificate from the site
 * CA, and a client certificate from the same CA required (RequireAndVerifyClientCert).
 */
class StandInTlsTest {
    private static final String NODE = "app1.lab.internal";

    @TempDir
    Path dir;
    private TestPki site;
    private TestPki.Issued lb;
    private EchoBackend backend;

    @BeforeEach
    void pki() throws Exception {
        site = new TestPki("site CA");
        site.writeRoot(dir, "ca.pem");
        site.server(NODE).write(dir, "server");
        lb = site.client("haproxy.lb");
    }

    private Path configure(String clientAuthType) throws Exception {
        backend = new EchoBackend("app");
        Path dynamic = Files.writeString(dir.resolve("dynamic.yml"), "http:\n"
                + "  routers: {oth: {rule: \"Host(`oth.example`)\", entryPoints: [web], service: app}}\n"
                + "  services: {app: {loadBalancer: {servers: [{url: \"" + backend.url() + "\"}]}}}\n"
                + "tls:\n"
                + "  certificates:\n"
                + "    - {certFile: " + dir.resolve("server.crt") + ", keyFile: " + dir.resolve("server.key") + "}\n"
                + "  options:\n"
                + "    default:\n"
                + "      minVersion: VersionTLS12\n"
                + "      clientAuth: {caFiles: [" + dir.resolve("ca.pem") + "], clientAuthType: " + clientAuthType + "}\n");
        return Files.writeString(dir.resolve("traefik.yml"), "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n"
                + "    http: {tls: {}}\nproviders: {file: {filename: " + dynamic + ", watch: true}}\n");
    }

    /** One HTTP/1.1 request over TLS with SNI {@code sni}; the status line and the serial of the certificate served. */
    private record Answer(String statusLine, BigInteger serial) {
    }

    private Answer request(int port, String sni, TestPki.Issued client) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("site", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(dir.resolve("ca.pem"))));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.keys().getPrivate(), new char[0], new X509Certificate[] {client.certificate()});
            keyManagers = KeyManagerFactory.getInstance("PKIX");
            keyManagers.init(keys, new char[0]);
        }
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            SSLParameters parameters = socket.getSSLParameters();
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: oth.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Answer(answer.lines().findFirst().orElse(""), served.getSerialNumber());
        }
    }

    @Test
    void servesTheNodesCertificateToAClientWithTheSiteCasCertificate() throws Exception {
        try (TraefikStandIn standIn = TraefikStandIn.start(configure("RequireAndVerifyClientCert"), quiet())) {
            assertEquals("HTTP/1.1 200 OK", request(standIn.port("web"), NODE, lb).statusLine());
        }
        backend.close();
    }

    @Test
    void refusesAClientWithoutCertificateOrWithAnotherCasOrWithoutTls() throws Exception {
        TestPki stranger = new TestPki("another CA");
        try (TraefikStandIn standIn = TraefikStandIn.start(configure("RequireAndVerifyClientCert"), quiet())) {
            int web = standIn.port("web");
            assertEquals("refused", outcome(web, NODE, null), "no client certificate");
            assertEquals("refused", outcome(web, NODE, stranger.client("haproxy.lb")), "another CA's client");
            assertEquals("refused", outcome(web, NODE, site.server("lb.lab.internal")),
                    "a certificate of the site CA that is not for client authentication");
            assertEquals("refused", outcome(web, "other.lab.internal", lb), "no certificate for that SNI name");
            assertEquals("refused", outcome(web, null, lb), "no SNI: traefik would serve its default certificate");
            assertEquals("HTTP/1.1 200 OK", outcome(web, NODE, lb));
            assertEquals("", plain(web), "a plain HTTP request gets no HTTP answer");
        }
        backend.close();
    }

    @Test
    void verifyClientCertIfGivenLetsAClientWithoutCertificateIn() throws Exception {
        try (TraefikStandIn standIn = TraefikStandIn.start(configure("VerifyClientCertIfGiven"), quiet())) {
            assertEquals("HTTP/1.1 200 OK", request(standIn.port("web"), NODE, null).statusLine());
        }
        backend.close();
    }

    @Test
    void aNewCertificateIsServedOnceTheDynamicFileIsReloadedWhileOpenConnectionsGoOn() throws Exception {
        try (TraefikStandIn standIn = TraefikStandIn.start(configure("RequireAndVerifyClientCert"), quiet())) {
            int web = standIn.port("web");
            BigInteger before = request(web, NODE, lb).serial();
            TestPki.Issued next = site.server(NODE);
            next.write(dir, "server");
            assertEquals(before, request(web, NODE, lb).serial(), "certificate files alone are not reloaded (as traefik)");
            Path dynamic = dir.resolve("dynamic.yml");
            Files.setLastModifiedTime(dynamic, FileTime.from(Instant.now().plusSeconds(1)));
            eventually(() -> request(web, NODE, lb).serial().equals(next.certificate().getSerialNumber()));
        }
        backend.close();
    }

    /**
     * The status line, or "refused" when the handshake fails or the server ends the connection
     * without an answer (with TLS 1.3 a client learns that its certificate was refused only when it reads).
     */
    private String outcome(int port, String sni, TestPki.Issued client) throws Exception {
        try {
            String status = request(port, sni, client).statusLine();
            return status.isEmpty() ? "refused" : status;
        } catch (IOException e) {
            return "refused";
        }
    }

    /** Sends a plain HTTP request to a TLS entry point; what came back as text (nothing, when the connection is dropped). */
    private static String plain(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: oth.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static void eventually(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.call()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(100);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true);
    }
}
