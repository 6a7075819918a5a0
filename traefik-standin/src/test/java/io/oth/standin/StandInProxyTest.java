package io.oth.standin;

import static io.oth.standin.Fixtures.echoed;
import static io.oth.standin.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in serving test resources standin/traefik.yml and standin/dynamic.yml. */
class StandInProxyTest {

    @TempDir
    static Path dir;
    static final ByteArrayOutputStream output = new ByteArrayOutputStream();
    static EchoBackend app;
    static EchoBackend api;
    static TraefikStandIn standIn;
    static int web;

    @BeforeAll
    static void start() throws Exception {
        app = new EchoBackend("app");
        api = new EchoBackend("api");
        Path dynamic = Fixtures.render("dynamic.yml", dir.resolve("dynamic.yml"), Map.of(
                "@APP@", app.url(), "@API@", api.url(), "@DOWN@", "http://127.0.0.1:" + Fixtures.closedPort()));
        Path staticFile = Fixtures.render("traefik.yml", dir.resolve("traefik.yml"),
                Map.of("@DYNAMIC@", dynamic.toString()));
        standIn = TraefikStandIn.start(staticFile, new PrintStream(output, true));
        web = standIn.port("web");
    }

    @AfterAll
    static void stop() {
        standIn.close();
        app.close();
        api.close();
    }

    @Test
    void routesByHostIgnoringCaseAndPort() throws Exception {
        assertEquals("app", echoed(get(web, "APP.Example:8080", "/")).get(":backend"));
    }

    @Test
    void unknownHostGetsTraefiks404() throws Exception {
        HttpResponse<String> response = get(web, "other.example", "/");
        assertEquals(404, response.statusCode());
        assertEquals("404 page not found\n", response.body());
    }

    @Test
    void downBackendGives502() throws Exception {
        HttpResponse<String> response = get(web, "down.example", "/");
        assertEquals(502, response.statusCode());
        assertEquals("Bad Gateway", response.body());
    }

    @Test
    void longerRuleWinsWithoutPriority() throws Exception {
        assertEquals("api", echoed(get(web, "app.example", "/api/users")).get(":backend"));
        assertEquals("app", echoed(get(web, "app.example", "/apps")).get(":backend"));
    }

    @Test
    void explicitPriorityBeatsALongerRule() throws Exception {
        assertEquals("app", echoed(get(web, "app.example", "/api/v2/users")).get(":backend"));
    }

    @Test
    void orRuleAndDefaultEntryPoints() throws Exception {
        int admin = standIn.port("admin");
        assertEquals("app", echoed(get(web, "two.example", "/")).get(":backend"));
        assertEquals("app", echoed(get(admin, "one.example", "/")).get(":backend"));
        assertEquals(404, get(admin, "app.example", "/").statusCode(), "router app is on web only");
    }

    @Test
    void setsForwardedHeadersAndDropsClientSpoofsAndHopByHop() throws Exception {
        Map<String, String> seen = echoed(get(web, "app.example:8080", "/",
                "X-Forwarded-For", "6.6.6.6", "X-Real-Ip", "6.6.6.6", "X-Forwarded-Proto", "https",
                "Keep-Alive", "timeout=5"));
        assertAll(
                () -> assertEquals("app.example:8080", seen.get("host")),
                () -> assertEquals("127.0.0.1", seen.get("x-forwarded-for")),
                () -> assertEquals("127.0.0.1", seen.get("x-real-ip")),
                () -> assertEquals("http", seen.get("x-forwarded-proto")),
                () -> assertEquals("app.example:8080", seen.get("x-forwarded-host")),
                () -> assertEquals("8080", seen.get("x-forwarded-port")),
                () -> assertEquals(Hostname.local(), seen.get("x-forwarded-server")),
                () -> assertNull(seen.get("keep-alive")));
    }

    @Test
    void headersMiddlewareSetsAndRemoves() throws Exception {
        HttpResponse<String> response = get(web, "app.example", "/", "X-Remove-Me", "secret");
        Map<String, String> seen = echoed(response);
        assertAll(
                () -> assertEquals("yes", seen.get("x-lab")),
                () -> assertNull(seen.get("x-remove-me")),
                () -> assertEquals("traefik-standin", response.headers().firstValue("X-Served-By").orElse(null)),
                () -> assertFalse(response.headers().firstValue("Server").isPresent()));
        assertEquals("echo-backend", get(web, "two.example", "/").headers().firstValue("Server").orElse(null),
                "without the middleware the backend's header stays");
    }

    @Test
    void passHostHeaderFalseSendsTheServersAddress() throws Exception {
        assertEquals(app.url().substring("http://".length()), echoed(get(web, "own-host.example", "/")).get("host"));
    }

    @Test
    void keepsMethodQueryAndBody() throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("hello"));
        Map<String, String> seen = echoed(Fixtures.send(web, "app.example", post, "/submit?a=1&b=%20x"));
        assertAll(
                () -> assertEquals("POST", seen.get(":method")),
                () -> assertEquals("/submit?a=1&b=%20x", seen.get(":uri")),
                () -> assertEquals("hello", seen.get(":body")));
    }

    @Test
    void roundRobinAcrossServers() throws Exception {
        Set<String> backends = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            backends.add(echoed(get(web, "rr.example", "/")).get(":backend"));
        }
        assertEquals(Set.of("app", "api"), backends);
    }

    @Test
    void pingAnswersOnItsEntryPointOnly() throws Exception {
        HttpResponse<String> ping = get(standIn.port("admin"), "anything", "/ping");
        assertEquals(200, ping.statusCode());
        assertEquals("OK", ping.body());
        assertEquals(404, get(web, "anything", "/ping").statusCode());
    }

    @Test
    void accessLogNamesRouterAndServer() throws Exception {
        get(web, "app.example", "/logged");
        assertTrue(output.toString().contains("\"GET /logged HTTP/1.1\" 200 "), output.toString());
        assertTrue(output.toString().contains("\"app@file\" \"" + app.url() + "\""), output.toString());
    }
}
