package io.oth.standin;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Serves one entry point the way traefik does: ping, then the first matching router, else 404. */
final class EntryPointHandler implements HttpHandler {

    /** Dropped by Go's reverse proxy in both directions, as is every header the Connection header names. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    /** Removed from every client's request (traefik trusts no client by default), then set by traefik. */
    private static final Set<String> FORWARDED = Set.of("x-forwarded-proto", "x-forwarded-scheme",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-server", "x-forwarded-uri",
            "x-forwarded-method", "x-forwarded-prefix", "x-forwarded-tls-client-cert",
            "x-forwarded-tls-client-cert-info", "x-scheme", "x-real-ip");
    /** Written by java.net.http itself from the request line and the body. */
    private static final Set<String> COMPUTED = Set.of("host", "content-length", "expect");

    private final String entryPoint;
    private final boolean tls;
    private final boolean ping;
    private final Supplier<Routing> routing;
    private final HttpClient client;
    private final AccessLog accessLog;
    private final Log log;
    private final String hostname;

    /** @param accessLog null when {@code accessLog} is not configured */
    EntryPointHandler(String entryPoint, boolean tls, boolean ping, Supplier<Routing> routing, HttpClient client,
                      AccessLog accessLog, Log log, String hostname) {
        this.entryPoint = entryPoint;
        this.tls = tls;
        this.ping = ping;
        this.routing = routing;
        this.client = client;
        this.accessLog = accessLog;
        this.log = log;
        this.hostname = hostname;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        try (exchange) {
            AccessLog.Entry entry = serve(exchange);
            if (accessLog != null) {
                accessLog.record(exchange, entry, start);
            }
        }
    }

    private AccessLog.Entry serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (ping && path.startsWith("/ping")) {
            return new AccessLog.Entry(200, text(exchange, 200, "OK", false), "ping@internal", "-");
        }
        String host = hostOf(exchange.getRequestHeaders().getFirst("Host"));
        Routing.Route route = routing.get().match(entryPoint, host, path);
        if (route == null) {
            return new AccessLog.Entry(404, text(exchange, 404, "404 page not found\n", true), "-", "-");
        }
        String router = route.router() + "@file";
        URI server = route.service().pick();
        if (server == null) {
            return new AccessLog.Entry(503, text(exchange, 503, "no available server\n", true), router, "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(upstreamRequest(exchange, route, server), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            log.debug("'504 Gateway Timeout' caused by: " + e);
            return new AccessLog.Entry(504, text(exchange, 504, "Gateway Timeout", false), router, server.toString());
        } catch (IOException e) {
            log.debug("'502 Bad Gateway' caused by: " + e);
            return new AccessLog.Entry(502, text(exchange, 502, "Bad Gateway", false), router, server.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AccessLog.Entry(502, text(exchange, 502, "Bad Gateway", false), router, server.toString());
        }
        return new AccessLog.Entry(response.statusCode(), relay(exchange, route, response), router, server.toString());
    }

    private HttpRequest upstreamRequest(HttpExchange exchange, Routing.Route route, URI server) {
        Headers incoming = exchange.getRequestHeaders();
        Set<String> dropped = new HashSet<>(HOP_BY_HOP);
        dropped.addAll(FORWARDED);
        dropped.addAll(connectionTokens(incoming.get("Connection")));
        Headers headers = new Headers();
        incoming.forEach((name, values) -> {
            if (!dropped.contains(lowerCase(name))) {
                headers.put(name, new ArrayList<>(values));
            }
        });

        String clientIp = exchange.getRemoteAddress().getAddress().getHostAddress().replaceFirst("%.*$", "");
        String requestHost = incoming.getFirst("Host");
        headers.set("X-Real-Ip", clientIp);
        headers.set("X-Forwarded-Proto", tls ? "https" : "http");
        headers.set("X-Forwarded-Port", portOf(requestHost, tls ? "443" : "80"));
        if (requestHost != null && !requestHost.isEmpty()) {
            headers.set("X-Forwarded-Host", requestHost);
        }
        headers.set("X-Forwarded-Server", hostname);

        String upstreamHost = requestHost;
        boolean appendForwardedFor = true;
        for (DynamicConfig.Headers middleware : route.middlewares()) {
            for (Map.Entry<String, String> header : middleware.request().entrySet()) {
                if (header.getValue().isEmpty()) {
                    headers.remove(header.getKey());
                    appendForwardedFor &= !header.getKey().equals("X-Forwarded-For");
                } else if (header.getKey().equalsIgnoreCase("Host")) {
                    upstreamHost = header.getValue();
                } else {
                    headers.set(header.getKey(), header.getValue());
                }
            }
        }
        if (appendForwardedFor) {
            List<String> prior = headers.get("X-Forwarded-For");
            headers.set("X-Forwarded-For", prior == null ? clientIp : String.join(", ", prior) + ", " + clientIp);
        }
        if (!route.service().passHostHeader()) {
            upstreamHost = server.getRawAuthority();
        }

        URI uri = exchange.getRequestURI();
        URI target = URI.create(server + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(), body(exchange));
        if (upstreamHost != null && !upstreamHost.isEmpty()) {
            request.header("Host", upstreamHost);
        }
        headers.forEach((name, values) -> {
            if (!COMPUTED.contains(lowerCase(name))) {
                values.forEach(value -> request.header(canonical(name), value));
            }
        });
        return request.build();
    }

    /** Streams the request body on: chunked when the client sent it chunked, else with its length. */
    private static HttpRequest.BodyPublisher body(HttpExchange exchange) {
        Headers headers = exchange.getRequestHeaders();
        Supplier<InputStream> stream = exchange::getRequestBody;
        if (headers.containsKey("Transfer-Encoding")) {
            return BodyPublishers.ofInputStream(stream);
        }
        String contentLength = headers.getFirst("Content-Length");
        long length = contentLength == null ? 0 : Long.parseLong(contentLength.strip());
        return length > 0 ? BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(stream), length)
                : BodyPublishers.noBody();
    }

    /** Sends the upstream response to the client, streaming its body; returns the bytes sent. */
    private static long relay(HttpExchange exchange, Routing.Route route, HttpResponse<InputStream> response)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        Set<String> dropped = new HashSet<>(HOP_BY_HOP);
        dropped.add("content-length");
        dropped.addAll(connectionTokens(response.headers().allValues("Connection")));
        response.headers().map().forEach((name, values) -> {
            if (!dropped.contains(lowerCase(name))) {
                headers.put(name, new ArrayList<>(values));
            }
        });
        // The innermost middleware modifies the response first, so the first one listed wins.
        List<DynamicConfig.Headers> middlewares = route.middlewares();
        for (int i = middlewares.size() - 1; i >= 0; i--) {
            middlewares.get(i).response().forEach((name, value) -> {
                if (value.isEmpty()) {
                    headers.remove(name);
                } else {
                    headers.set(name, value);
                }
            });
        }
        int status = response.statusCode();
        boolean bodiless = exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304;
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        // For HttpServer, -1 means no body and 0 means chunked.
        exchange.sendResponseHeaders(status, bodiless || length == 0 ? -1 : Math.max(length, 0));
        long sent = 0;
        try (InputStream in = response.body()) {
            if (!bodiless) {
                OutputStream out = exchange.getResponseBody();
                byte[] buffer = new byte[16384];
                for (int n; (n = in.read(buffer)) > 0; sent += n) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        }
        return sent;
    }

    /** A plain-text answer of traefik's own; returns the bytes sent. */
    private static long text(HttpExchange exchange, int status, String body, boolean noSniff) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (noSniff) {
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
        return head ? 0 : bytes.length;
    }

    /** The host part of a Host header: "App.example:8080" gives "App.example", "[::1]:80" gives "::1". */
    private static String hostOf(String header) {
        if (header == null) {
            return "";
        }
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end > 0 ? header.substring(1, end) : header;
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(0, colon);
    }

    /** The port of a Host header, or the scheme's (traefik's X-Forwarded-Port). */
    private static String portOf(String header, String schemePort) {
        if (header != null) {
            int colon = header.lastIndexOf(':');
            if (colon > header.lastIndexOf(']') && colon < header.length() - 1) {
                return header.substring(colon + 1);
            }
        }
        return schemePort;
    }

    private static Set<String> connectionTokens(List<String> values) {
        Set<String> tokens = new HashSet<>();
        if (values != null) {
            for (String value : values) {
                for (String token : value.split(",")) {
                    tokens.add(lowerCase(token.strip()));
                }
            }
        }
        return tokens;
    }

    /** Go's canonical header spelling: "x-forwarded-for" becomes "X-Forwarded-For". */
    private static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }

    private static String lowerCase(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
