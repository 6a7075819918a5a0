package io.oth.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/** The sample OTH application: {@code /healthz}, {@code /version} and a small page, nothing else. */
public final class SampleApp implements AutoCloseable {

    private static final String USAGE = "usage: java -jar oth-app.jar [--config FILE] [--version]";
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ExecutorService checkExecutor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "healthz-check");
        thread.setDaemon(true);
        return thread;
    });
    private final String version;
    private final String node;
    private final List<HealthCheck> checks;
    private final PrintStream accessLog;

    private SampleApp(AppConfig config, String version, List<HealthCheck> checks, PrintStream accessLog)
            throws IOException {
        this.version = version;
        this.node = config.nodeName();
        this.checks = List.copyOf(checks);
        this.accessLog = accessLog;
        server = HttpServer.create(new InetSocketAddress(config.listenAddress(), config.listenPort()), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        if (code != 0) {
            System.exit(code);
        }
        // On success the server's threads keep the JVM running until the process is stopped.
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                configFile = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--version")) {
                out.println(buildVersion());
                return 0;
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        AppConfig config;
        try {
            config = configFile == null ? AppConfig.defaults() : AppConfig.load(configFile);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<HealthCheck> checks;
        try {
            checks = checks(config);
        } catch (GeneralSecurityException e) {
            err.println("cannot set up TLS for the checks: " + e.getMessage());
            return 2;
        }
        try {
            SampleApp app = start(config, buildVersion(), checks, out);
            out.printf("oth-app %s on node %s listening on %s:%d%n",
                    app.version, app.node, config.listenAddress(), app.port());
            out.printf("checks: %s (timeout %s each)%n", String.join(", ", checks.stream().map(HealthCheck::name).toList()),
                    HealthCheck.format(config.checkTimeout()));
            return 0;
        } catch (IOException e) {
            err.printf("cannot listen on %s:%d: %s%n", config.listenAddress(), config.listenPort(), e.getMessage());
            return 1;
        }
    }

    /** {@code self}, then one check per configured section, each bounded by the configured timeout. */
    static List<HealthCheck> checks(AppConfig config) throws GeneralSecurityException {
        List<HealthCheck> checks = new ArrayList<>(List.of(HealthCheck.self()));
        Duration timeout = config.checkTimeout();
        if (config.database().isPresent()) {
            checks.add(DatabaseCheck.of(config.database().get(), timeout));
        }
        if (config.broker().isPresent()) {
            checks.add(BrokerCheck.of(config.broker().get(), config.nodeName(), timeout));
        }
        if (config.objects().isPresent()) {
            checks.add(ObjectStoreCheck.of(config.objects().get(), config.nodeName(), timeout));
        }
        return checks;
    }

    public static SampleApp start(AppConfig config, String version, List<HealthCheck> checks, PrintStream accessLog)
            throws IOException {
        return new SampleApp(config, version, checks, accessLog);
    }

    /** The version this jar was built as, from the filtered {@code version.properties}. */
    public static String buildVersion() {
        try (InputStream in = SampleApp.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the build");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        checkExecutor.shutdownNow();
        for (HealthCheck check : checks) {
            if (check.probe() instanceof AutoCloseable kept) {
                try {
                    kept.close();
                } catch (Exception e) {
                    // stopping: a connection that does not close cleanly is dropped anyway
                }
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain", "method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/healthz" -> health(exchange);
                case "/version" -> respond(exchange, 200, "text/plain", version + "\n");
                case "/" -> respond(exchange, 200, "text/html", page());
                default -> respond(exchange, 404, "text/plain", "404 not found\n");
            }
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        StringJoiner results = new StringJoiner(",", "{", "}");
        boolean healthy = true;
        for (Map.Entry<String, HealthCheck.Result> entry : HealthCheck.runAll(checks, checkExecutor, noCache(exchange)).entrySet()) {
            HealthCheck.Result result = entry.getValue();
            healthy &= result.ok();
            results.add(json(entry.getKey()) + ":{\"status\":" + json(result.ok() ? "ok" : "fail")
                    + (result.ok() ? "" : ",\"reason\":" + json(result.reason())) + "}");
        }
        String body = "{\"status\":" + json(healthy ? "ok" : "fail") + ",\"version\":" + json(version)
                + ",\"node\":" + json(node) + ",\"checks\":" + results + "}\n";
        respond(exchange, healthy ? 200 : 503, "application/json", body);
    }

    /**
     * Whether the request asks for no cached answer ({@code Cache-Control: no-cache}, or HTTP/1.0's
     * {@code Pragma: no-cache}): then every check makes new connections (see {@link KeptConnection}).
     */
    static boolean noCache(HttpExchange exchange) {
        return Stream.concat(exchange.getRequestHeaders().getOrDefault("Cache-Control", List.of()).stream(),
                        exchange.getRequestHeaders().getOrDefault("Pragma", List.of()).stream())
                .flatMap(value -> Arrays.stream(value.split(",")))
                .anyMatch(directive -> directive.strip().equalsIgnoreCase("no-cache"));
    }

    private String page() {
        return "<!doctype html>\n<title>OTH sample application</title>\n<h1>OTH sample application</h1>\n"
                + "<p>version " + html(version) + " on node " + html(node) + "</p>\n";
    }

    private void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
        accessLog.printf("%s - - [%s] \"%s %s %s\" %d %d%n",
                exchange.getRemoteAddress().getAddress().getHostAddress(), LOG_TIME.format(ZonedDateTime.now()),
                exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getProtocol(),
                status, head ? 0 : bytes.length);
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    private static String html(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
