package io.oth.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A backend that answers with what it received, one "name: value" line each: ":backend", ":method",
 * ":uri", ":body" and every request header in lower case. {@code /healthz} answers {@link #healthStatus}.
 */
final class EchoBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    volatile int healthStatus = 200;

    EchoBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().equals("/healthz")) {
                exchange.sendResponseHeaders(healthStatus, -1);
                return;
            }
            StringBuilder echo = new StringBuilder();
            echo.append(":backend: ").append(name).append('\n');
            echo.append(":method: ").append(exchange.getRequestMethod()).append('\n');
            echo.append(":uri: ").append(exchange.getRequestURI()).append('\n');
            echo.append(":body: ").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    .append('\n');
            exchange.getRequestHeaders().forEach((header, values) -> echo.append(header.toLowerCase(Locale.ROOT))
                    .append(": ").append(String.join(", ", values)).append('\n'));
            byte[] body = echo.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Server", "echo-backend");
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
