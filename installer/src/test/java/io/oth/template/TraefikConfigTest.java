package io.oth.template;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The traefik configuration oth generates, checked against what traefik v3 accepts: only keys
 * traefik knows (from its reference: install configuration and file-provider routing), the ones it
 * requires, and references that resolve (entry points, services).
 */
class TraefikConfigTest {
    /** Keys traefik v3 knows at each level oth uses. */
    private static final Set<String> STATIC_TOP = Set.of("global", "serversTransport", "tcpServersTransport", "entryPoints", "providers", "api",
            "metrics", "ping", "log", "accessLog", "tracing", "hostResolver", "certificatesResolvers", "experimental", "core", "spiffe", "ocsp");
    private static final Set<String> ENTRY_POINT = Set.of("address", "allowACMEByPass", "reusePort", "asDefault", "transport",
            "proxyProtocol", "forwardedHeaders", "http", "http2", "http3", "udp", "observability");
    private static final Set<String> FILE_PROVIDER = Set.of("directory", "watch", "filename", "debugLogGeneratedTemplate");
    private static final Set<String> ROUTER = Set.of("entryPoints", "middlewares", "service", "rule", "ruleSyntax", "priority", "tls", "observability");
    private static final Set<String> LOAD_BALANCER = Set.of("sticky", "servers", "strategy", "healthCheck", "passiveHealthCheck", "passHostHeader",
            "responseForwarding", "serversTransport");
    private static final Set<String> SERVER = Set.of("url", "weight", "preservePath");
    private static final Set<String> ENTRY_POINT_HTTP = Set.of("redirections", "middlewares", "tls", "encodeQuerySemicolons", "sanitizePath",
            "maxHeaderBytes");
    private static final Set<String> ENTRY_POINT_TLS = Set.of("options", "certResolver", "domains");
    private static final Set<String> TLS = Set.of("certificates", "options", "stores");
    private static final Set<String> CERTIFICATE = Set.of("certFile", "keyFile", "stores");
    private static final Set<String> TLS_OPTIONS = Set.of("minVersion", "maxVersion", "cipherSuites", "curvePreferences", "clientAuth", "sniStrict",
            "alpnProtocols", "disableSessionTickets", "preferServerCipherSuites");
    private static final Set<String> CLIENT_AUTH = Set.of("caFiles", "clientAuthType");

    private final Map<String, Object> vars = Map.of("site", "lab", "fqdn", "oth.example.test", "port", 80, "app_port", 8080,
            "certificate", "/etc/traefik/oth-tls/server-chain.pem", "key", "/etc/traefik/oth-tls/server.key", "client_ca", "/etc/traefik/oth-tls/ca.pem");

    @Test
    void theEntryPointServesMutualTlsWithTheNodesCertificateAndTheSiteCa() {
        Map<String, Object> web = map(map(yaml(Templates.render("traefik/traefik.yml.peb", vars)), "entryPoints"), "web");
        onlyKnown("entryPoints.web.http", map(web, "http"), ENTRY_POINT_HTTP);
        Map<String, Object> entryPointTls = map(map(web, "http"), "tls");
        onlyKnown("entryPoints.web.http.tls", entryPointTls, ENTRY_POINT_TLS);
        // traefik applies an entry point's named options only where the SNI names a router's host: "default" covers every connection.
        assertFalse(entryPointTls.containsKey("options"), "the default TLS options, which apply whatever the SNI");

        Map<String, Object> tls = map(yaml(Templates.render("traefik/dynamic.yml.peb", vars)), "tls");
        onlyKnown("tls", tls, TLS);
        List<?> certificates = (List<?>) tls.get("certificates");
        assertEquals(1, certificates.size());
        onlyKnown("tls.certificates[0]", map(certificates.get(0)), CERTIFICATE);
        assertEquals(Map.of("certFile", "/etc/traefik/oth-tls/server-chain.pem", "keyFile", "/etc/traefik/oth-tls/server.key"), certificates.get(0));
        Map<String, Object> options = map(tls, "options");
        assertEquals(Set.of("default"), options.keySet());
        onlyKnown("tls.options.default", map(options, "default"), TLS_OPTIONS);
        Map<String, Object> clientAuth = map(map(options, "default"), "clientAuth");
        onlyKnown("tls.options.default.clientAuth", clientAuth, CLIENT_AUTH);
        assertEquals("RequireAndVerifyClientCert", clientAuth.get("clientAuthType"));
        assertEquals(List.of("/etc/traefik/oth-tls/ca.pem"), clientAuth.get("caFiles"));
        assertEquals("VersionTLS12", map(options, "default").get("minVersion"));
    }

    @Test
    void theStaticConfigurationUsesOnlyWhatTraefikKnows() {
        Map<String, Object> config = yaml(Templates.render("traefik/traefik.yml.peb", vars));
        onlyKnown("static", config, STATIC_TOP);
        Map<String, Object> entryPoints = map(config, "entryPoints");
        entryPoints.forEach((name, ep) -> {
            onlyKnown("entryPoints." + name, map(ep), ENTRY_POINT);
            assertTrue(String.valueOf(map(ep).get("address")).matches("[0-9.]*:\\d{1,5}(/(tcp|udp))?"), "address of " + name);
        });
        Map<String, Object> file = map(map(config, "providers"), "file");
        onlyKnown("providers.file", file, FILE_PROVIDER);
        assertTrue(file.containsKey("filename") ^ file.containsKey("directory"), "traefik takes filename or directory, not both");
    }

    @Test
    void theDynamicConfigurationRoutesTheFqdnToTheLocalApplication() {
        Map<String, Object> stat = yaml(Templates.render("traefik/traefik.yml.peb", vars));
        Map<String, Object> dyn = yaml(Templates.render("traefik/dynamic.yml.peb", vars));
        assertEquals(Set.of("http", "tls"), dyn.keySet());
        Map<String, Object> http = map(dyn, "http");
        Map<String, Object> services = map(http, "services");
        Map<String, Object> routers = map(http, "routers");
        assertEquals(1, routers.size(), () -> "one router, for the site's FQDN: " + routers);
        assertFalse(services.isEmpty(), "a router needs a service");
        routers.forEach((name, r) -> {
            Map<String, Object> router = map(r);
            onlyKnown("http.routers." + name, router, ROUTER);
            assertTrue(String.valueOf(router.get("rule")).matches("Host\\(`[a-z0-9.-]+`\\)"), "rule of " + name);
            assertEquals("Host(`oth.example.test`)", router.get("rule"));
            assertTrue(services.containsKey(String.valueOf(router.get("service"))), "router " + name + " names a defined service");
            for (Object ep : (List<?>) router.get("entryPoints")) {
                assertTrue(map(stat, "entryPoints").containsKey(String.valueOf(ep)), "router " + name + " uses a defined entry point");
            }
        });
        services.forEach((name, s) -> {
            Map<String, Object> service = map(s);
            assertEquals(Set.of("loadBalancer"), service.keySet(), "service " + name);
            Map<String, Object> lb = map(service, "loadBalancer");
            onlyKnown("http.services." + name + ".loadBalancer", lb, LOAD_BALANCER);
            assertFalse(lb.containsKey("healthCheck"), "haproxy's check reaches the application through traefik; a check of traefik's own"
                    + " would keep the node out until its next round");
            List<?> servers = (List<?>) lb.get("servers");
            assertTrue(!servers.isEmpty(), "a load balancer needs servers");
            for (Object server : servers) {
                onlyKnown("server", map(server), SERVER);
                URI url = URI.create(String.valueOf(map(server).get("url")));
                assertEquals("http", url.getScheme());
                assertEquals("127.0.0.1", url.getHost(), "the application listens on loopback only");
                assertEquals(8080, url.getPort());
            }
        });
    }

    private static void onlyKnown(String where, Map<String, Object> map, Set<String> known) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                fail(where + "." + key + " is not a traefik option");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (!(value instanceof Map)) {
            fail("expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return map(parent.get(key));
    }
}
