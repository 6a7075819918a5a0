package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the stand-in refuses, and how it says so: file, key path, reason. */
class StandInConfigTest {

    private static final String STATIC = "entryPoints: {web: {address: \"127.0.0.1:0\"}}\n"
            + "providers: {file: {filename: DYNAMIC}}\n";
    private static final String TLS_STATIC = "entryPoints: {web: {address: \"127.0.0.1:0\", http: {tls: {}}}}\n"
            + "providers: {file: {filename: DYNAMIC}}\n";
    private static final String SERVICE = "services: {app: {loadBalancer: {servers: [{url: \"http://127.0.0.1:9\"}]}}}";
    private static final String ROUTER = "routers: {app: {rule: \"Host(`a`)\", service: app}}";

    @TempDir
    Path dir;

    /** Writes traefik.yml and dynamic.yml; the static file's DYNAMIC names the dynamic file. */
    private Path write(String staticYaml, String dynamicYaml) throws Exception {
        Path dynamic = Files.writeString(dir.resolve("dynamic.yml"), dynamicYaml);
        return Files.writeString(dir.resolve("traefik.yml"), staticYaml.replace("DYNAMIC", dynamic.toString()));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(STATIC + "api: {insecure: true}", "{}",
                        "traefik.yml: api: not honoured by the traefik stand-in"),
                Arguments.of("entryPoints: {web: {address: \":80\", asDefault: true}}\n"
                        + "providers: {file: {filename: DYNAMIC}}", "{}",
                        "traefik.yml: entryPoints.web.asDefault: not honoured by the traefik stand-in (it honours address, http here)"),
                Arguments.of("entryPoints: {web: {address: \"80\"}}\nproviders: {file: {filename: DYNAMIC}}", "{}",
                        "traefik.yml: entryPoints.web.address: expected \":PORT\" or \"IP:PORT\", got \"80\""),
                Arguments.of("entryPoints: {web: {address: \":80\"}}\nproviders: {docker: {}}", "{}",
                        "traefik.yml: providers.docker: not honoured"),
                Arguments.of(STATIC + "log: {level: LOUD}", "{}",
                        "traefik.yml: log.level: expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC"),
                Arguments.of(STATIC, "tcp: {}",
                        "dynamic.yml: tcp: not honoured by the traefik stand-in (it honours http, tls here)"),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Host(`a`)\", service: app, tls: {}}}, " + SERVICE + "}",
                        "dynamic.yml: http.routers.app.tls: not honoured"),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Host(`a`, `b`)\", service: app}}, " + SERVICE + "}",
                        "dynamic.yml: http.routers.app.rule: Host: unexpected number of parameters; got 2, expected one of [1]"),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Path(`/x`)\", service: app}}, " + SERVICE + "}",
                        "dynamic.yml: http.routers.app.rule: matcher Path is not honoured by the traefik stand-in"),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Host(`a`)\", service: nope}}, " + SERVICE + "}",
                        "dynamic.yml: http.routers.app.service: unknown service \"nope\""),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Host(`a`)\", service: app, entryPoints: [websecure]}}, "
                        + SERVICE + "}",
                        "dynamic.yml: http.routers.app.entryPoints[0]: unknown entry point \"websecure\""),
                Arguments.of(STATIC, "http: {routers: {app: {rule: \"Host(`a`)\", service: app, middlewares: [gone]}}, "
                        + SERVICE + "}",
                        "dynamic.yml: http.routers.app.middlewares[0]: unknown middleware \"gone\""),
                Arguments.of(STATIC, "http: {" + ROUTER + ", services: {app: {loadBalancer: {servers: "
                        + "[{url: \"http://127.0.0.1:9/app\"}]}}}}",
                        "dynamic.yml: http.services.app.loadBalancer.servers[0].url: expected http://HOST:PORT"),
                Arguments.of(STATIC, "http: {" + ROUTER + ", services: {app: {weighted: {}}}}",
                        "dynamic.yml: http.services.app.weighted: not honoured"),
                Arguments.of(STATIC, "http: {" + ROUTER + ", " + SERVICE + ", middlewares: {m: {redirectScheme: {}}}}",
                        "dynamic.yml: http.middlewares.m.redirectScheme: not honoured"),
                Arguments.of(STATIC, "http: {" + ROUTER + ", " + SERVICE + ", middlewares: {m: {headers: {sslRedirect: true}}}}",
                        "dynamic.yml: http.middlewares.m.headers.sslRedirect: not honoured"),
                Arguments.of(TLS_STATIC.replace("{tls: {}}", "{tls: {certResolver: acme}}"), "{}",
                        "traefik.yml: entryPoints.web.http.tls.certResolver: not honoured by the traefik stand-in (it honours options here)"),
                Arguments.of(TLS_STATIC.replace("{tls: {}}", "{tls: {options: mtls@file}}"), "tls: {options: {mtls: {}}}",
                        "traefik.yml: entryPoints.web.http.tls.options: the stand-in honours only the \"default\" TLS options here"),
                Arguments.of(TLS_STATIC, "tls: {options: {default: {clientAuth: {clientAuthType: RequestClientCert}}}}",
                        "dynamic.yml: tls.options.default.clientAuth.clientAuthType: the stand-in honours NoClientCert, "
                                + "VerifyClientCertIfGiven and RequireAndVerifyClientCert, not \"RequestClientCert\""),
                Arguments.of(TLS_STATIC, "tls: {options: {default: {clientAuth: {clientAuthType: RequireAndVerifyClientCert}}}}",
                        "dynamic.yml: tls.options.default.clientAuth: RequireAndVerifyClientCert needs caFiles"),
                Arguments.of(TLS_STATIC, "tls: {options: {default: {minVersion: VersionTLS10}}}",
                        "dynamic.yml: tls.options.default.minVersion: the stand-in honours VersionTLS12 and VersionTLS13"),
                Arguments.of(TLS_STATIC, "tls: {options: {default: {sniStrict: true}}}",
                        "dynamic.yml: tls.options.default.sniStrict: not honoured"),
                Arguments.of(TLS_STATIC, "tls: {options: {default: {}}}",
                        "dynamic.yml: tls.certificates: entry point web serves TLS, so at least one certificate is required"),
                Arguments.of(TLS_STATIC, "tls: {stores: {default: {}}}",
                        "dynamic.yml: tls.stores: not honoured by the traefik stand-in (it honours certificates, options here)"),
                Arguments.of(TLS_STATIC, "tls: {certificates: [{certFile: /nonexistent/server.crt, keyFile: /nonexistent/server.key}]}",
                        "dynamic.yml: tls.certificates[0].certFile: cannot read /nonexistent/server.crt"),
                Arguments.of(STATIC, "http: {" + ROUTER + ", " + SERVICE + ", routers: {}}",
                        "dynamic.yml: not valid YAML"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithFileAndKeyPath(String staticYaml, String dynamicYaml, String expected) throws Exception {
        Path staticFile = write(staticYaml, dynamicYaml);
        ConfigException e = assertThrows(ConfigException.class, () -> TraefikStandIn.validate(staticFile));
        assertTrue(e.getMessage().startsWith(dir.resolve("").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void directoryProviderRefusesToml() throws Exception {
        Path dynamic = Files.createDirectory(dir.resolve("dynamic"));
        Files.writeString(dynamic.resolve("routes.toml"), "");
        Path staticFile = Files.writeString(dir.resolve("traefik.yml"),
                "providers: {file: {directory: " + dynamic + "}}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TraefikStandIn.validate(staticFile));
        assertEquals(dynamic.resolve("routes.toml") + ": TOML is not honoured by the traefik stand-in; use YAML",
                e.getMessage());
    }

    @Test
    void directoryProviderRefusesTheSameRouterTwice() throws Exception {
        Path dynamic = Files.createDirectory(dir.resolve("dynamic"));
        Files.writeString(dynamic.resolve("a.yml"), "http: {" + ROUTER + ", " + SERVICE + "}");
        Files.writeString(dynamic.resolve("b.yaml"), "http: {" + ROUTER + "}");
        Path staticFile = Files.writeString(dir.resolve("traefik.yml"),
                "providers: {file: {directory: " + dynamic + "}}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TraefikStandIn.validate(staticFile));
        assertEquals(dynamic.resolve("b.yaml") + ": http.routers.app: already defined in " + dynamic.resolve("a.yml"),
                e.getMessage());
    }

    @Test
    void checkFlagExitsZeroForAValidConfiguration() throws Exception {
        Path staticFile = write(STATIC + "accessLog: {}\nping: {entryPoint: web}\n", "http: {" + ROUTER + ", " + SERVICE + "}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = TraefikStandIn.run(new PrintStream(out, true), System.err, "--configfile", staticFile.toString(), "--check");
        assertEquals(0, code);
        assertEquals(staticFile + ": configuration OK (static and dynamic)\n", out.toString());
    }

    @Test
    void checkFlagExitsOneWithTheReason() throws Exception {
        Path staticFile = write(STATIC, "http: {routers: {app: {rule: \"Host(`a`)\"}}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TraefikStandIn.run(System.out, new PrintStream(err, true), "--configFile=" + staticFile, "--check");
        assertEquals(1, code);
        assertEquals(dir.resolve("dynamic.yml") + ": http.routers.app.service: required\n", err.toString());
    }

    @Test
    void withoutConfigFileItPrintsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, TraefikStandIn.run(System.out, new PrintStream(err, true), "--check"));
        assertTrue(err.toString().startsWith("usage: java -jar traefik-standin.jar --configFile=FILE"), err.toString());
    }
}
