package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleAppTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final ByteArrayOutputStream accessLog = new ByteArrayOutputStream();
    private SampleApp app;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
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
    void aRequestForNoCachedAnswerMakesEveryCheckFresh() throws Exception {
        List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(new HealthCheck("database", Duration.ofSeconds(2), fresh -> {
            asked.add(fresh);
            return HealthCheck.Result.pass();
        }));
        URI uri = URI.create("http://127.0.0.1:" + app.port() + "/healthz");
        get("/healthz");
        client.send(HttpRequest.newBuilder(uri).header("Cache-Control", "max-age=0, No-Cache").build(), HttpResponse.BodyHandlers.ofString());
        client.send(HttpRequest.newBuilder(uri).header("Pragma", "no-cache").build(), HttpResponse.BodyHandlers.ofString());
        client.send(HttpRequest.newBuilder(uri).header("Cache-Control", "no-store").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(List.of(false, true, true, false), asked);
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
    void aCheckThatHangsIsCutOffAtItsTimeout() throws Exception {
        start(HealthCheck.self(), new HealthCheck("broker", Duration.ofMillis(300), () -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthCheck.Result.pass();
        }));
        long begin = System.nanoTime();
        HttpResponse<String> response = get("/healthz");
        long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
        assertEquals(503, response.statusCode());
        assertEquals("{\"status\":\"fail\",\"version\":\"1.2.3\",\"node\":\"app-1\",\"checks\":{"
                + "\"self\":{\"status\":\"ok\"},\"broker\":{\"status\":\"fail\",\"reason\":\"no answer within 300 ms\"}}}\n",
                response.body());
        assertTrue(millis < 2000, "took " + millis + " ms");
    }

    @Test
    void configuredSectionsBecomeChecksInAFixedOrder() throws Exception {
        AppConfig config = new AppConfig("127.0.0.1", 0, "app-1", Duration.ofSeconds(1),
                Optional.of(new DatabaseSettings("127.0.0.1", 1, "oth", "oth_app", new Secret("db"), ca())),
                Optional.of(new BrokerSettings("127.0.0.1", 1, "/", "oth_app", new Secret("mq"), ca())),
                Optional.of(new ObjectStoreSettings(URI.create("http://127.0.0.1:1"), "us-east-1", "oth-data", "oth-app",
                        new Secret("s3"), Optional.empty())));
        List<HealthCheck> checks = SampleApp.checks(config);
        assertEquals(List.of("self", "database", "broker", "objects"), checks.stream().map(HealthCheck::name).toList());
        assertTrue(checks.stream().skip(1).allMatch(check -> check.timeout().equals(Duration.ofSeconds(1))));
        assertEquals(List.of("self"), SampleApp.checks(new AppConfig("127.0.0.1", 0, "app-1")).stream()
                .map(HealthCheck::name).toList());
    }

    private CaFile ca() throws Exception {
        return DownServices.testCa(Files.createTempDirectory(dir, "ca"));
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
