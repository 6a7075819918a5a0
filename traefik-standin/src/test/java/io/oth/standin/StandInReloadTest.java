package io.oth.standin;

import static io.oth.standin.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file provider's watch and the services' active health checks, which take time to act. */
class StandInReloadTest {

    @TempDir
    Path dir;

    private Path configure(String dynamicYaml) throws Exception {
        Path dynamic = Files.writeString(dir.resolve("dynamic.yml"), dynamicYaml);
        return Files.writeString(dir.resolve("traefik.yml"),
                "entryPoints: {web: {address: \"127.0.0.1:0\"}}\nproviders: {file: {filename: " + dynamic + "}}\n");
    }

    private static String routeTo(String host, String url, String healthCheck) {
        return "http: {routers: {r: {rule: \"Host(`" + host + "`)\", service: s}}, services: {s: {loadBalancer: "
                + "{servers: [{url: \"" + url + "\"}]" + healthCheck + "}}}}";
    }

    /** Polls until the condition holds, for at most five seconds. */
    private static void eventually(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.call()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(100);
        }
    }

    @Test
    void reloadsAChangedDynamicFileAndKeepsTheOldOneWhenRefused() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EchoBackend backend = new EchoBackend("app");
             TraefikStandIn standIn = TraefikStandIn.start(configure(routeTo("old.example", backend.url(), "")),
                     new PrintStream(log, true))) {
            int web = standIn.port("web");
            assertEquals(200, get(web, "old.example", "/").statusCode());

            Files.writeString(dir.resolve("dynamic.yml"), routeTo("new.example", backend.url(), ""));
            eventually(() -> get(web, "new.example", "/").statusCode() == 200);
            assertEquals(404, get(web, "old.example", "/").statusCode());

            Files.writeString(dir.resolve("dynamic.yml"), "http: {routers: {r: {rule: \"Host(`x`)\"}}}");
            eventually(() -> log.toString().contains("dynamic configuration refused, keeping the previous one"));
            assertEquals(200, get(web, "new.example", "/").statusCode());
        }
    }

    @Test
    void failingHealthCheckTakesTheServerOutUntilItRecovers() throws Exception {
        try (EchoBackend backend = new EchoBackend("app");
             TraefikStandIn standIn = TraefikStandIn.start(configure(routeTo("app.example", backend.url(),
                     ", healthCheck: {path: /healthz, interval: 100ms, timeout: 1s}")),
                     new PrintStream(new ByteArrayOutputStream()))) {
            int web = standIn.port("web");
            backend.healthStatus = 503;
            eventually(() -> get(web, "app.example", "/").statusCode() == 503);
            HttpResponse<String> unavailable = get(web, "app.example", "/");
            assertEquals("no available server\n", unavailable.body());

            backend.healthStatus = 200;
            eventually(() -> get(web, "app.example", "/").statusCode() == 200);
        }
    }
}
