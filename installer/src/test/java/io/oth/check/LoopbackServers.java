package io.oth.check;

import io.oth.cert.TestBundles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Servers on the loopback address that play the load balancer for a check: plain HTTP answering from a string, TLS serving a chain. */
final class LoopbackServers implements AutoCloseable {
    /** The head of every HTTP request received, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<ServerSocket> open = new CopyOnWriteArrayList<>();

    /** A port on the loopback address nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Answers every request with {@code response}, recording the request's head. */
    int http(String response) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        open.add(server);
        serve(server, socket -> {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            requests.add(head.toString());
            socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
        });
        return server.getLocalPort();
    }

    /** Serves the good test bundle's chain (leaf, intermediate, root) over TLS. */
    int tls() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(TestBundles.goodKeyStore(), "test".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        open.add(server);
        serve(server, socket -> ((SSLSocket) socket).startHandshake());
        return server.getLocalPort();
    }

    @FunctionalInterface
    private interface Exchange {
        void with(Socket socket) throws IOException;
    }

    private static void serve(ServerSocket server, Exchange exchange) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    exchange.with(socket);
                } catch (IOException e) {
                    // the client went away, or the test closed the server
                }
            }
        }, "operator-checks-test");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : open) {
            s.close();
        }
    }
}
