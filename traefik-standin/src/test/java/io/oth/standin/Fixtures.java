package io.oth.standin;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Test configurations from resources, and requests to the stand-in with a chosen Host header. */
final class Fixtures {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Fixtures() {
    }

    /** Copies a test resource to {@code target}, replacing each placeholder. */
    static Path render(String resource, Path target, Map<String, String> placeholders) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/standin/" + resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
                text = text.replace(placeholder.getKey(), placeholder.getValue());
            }
            return Files.writeString(target, text);
        }
    }

    /** A loopback port that nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static HttpResponse<String> get(int port, String host, String path, String... headers) throws Exception {
        return send(port, host, HttpRequest.newBuilder().GET(), path, headers);
    }

    static HttpResponse<String> send(int port, String host, HttpRequest.Builder request, String path,
                                     String... headers) throws Exception {
        request.uri(URI.create("http://127.0.0.1:" + port + path)).header("Host", host);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The lines of an {@link EchoBackend} answer as a map. */
    static Map<String, String> echoed(HttpResponse<String> response) {
        Map<String, String> fields = new HashMap<>();
        for (String line : response.body().split("\n")) {
            String[] field = line.split(": ", 2);
            fields.put(field[0], field.length > 1 ? field[1] : "");
        }
        return fields;
    }
}
