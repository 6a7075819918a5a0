package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SampleAppTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final ByteArrayOutputStream accessLog = new ByteArrayOutputStream();
    private SampleApp app;

    @AfterEach
    void stop() {
        app.close();
    }

    private void start(HealthCheck... checks) throws IOException {
        AppConfig config = new AppConfig("127.0.0.1", 0, "app-1");
        app = SampleApp.start(config, "1.2.3", List.of(checks), new PrintStream(accessLog, true));
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + app.port() + path);
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzReportsVersionNodeAndChecks() throws Exception {
        start(HealthCheck.self());
        HttpResponse<String> response = get("/healthz");
        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\",\"version\":\"1.2.3\",\"node\":\"app-1\",\"checks\":{\"self\":{\"status\":\"ok\"}}}\n",
                response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    }

    @Test
    void anyFailingCheckGives503WithItsReason() throws Exception {
        start(HealthCheck.self(), new HealthCheck("database", () -> HealthCheck.Result.fail("connection refused")));
        HttpResponse<String> response = get("/healthz");
        assertEquals(503, response.statusCode());
        assertTrue(response.body().startsWith("{\"status\":\"fail\""), response.body());
        assertTrue(response.body().contains("\"database\":{\"status\":\"fail\",\"reason\":\"connection refused\"}"),
                response.body());
    }

    @Test
    void versionAndPage() throws Exception {
        start(HealthCheck.self());
        assertEquals("1.2.3\n", get("/version").body());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("version 1.2.3 on node app-1"), page.body());
    }

    @Test
    void everythingElseIs404AndLogged() throws Exception {
        start(HealthCheck.self());
        assertEquals(404, get("/healthz/extra").statusCode());
        assertEquals(404, get("/nope?x=1").statusCode());
        assertTrue(accessLog.toString().contains("\"GET /nope?x=1 HTTP/1.1\" 404 "), accessLog.toString());
    }
}
