package io.oth.standin;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for traefik, for the lab only: it serves a documented subset of traefik v3
 * configuration and refuses everything else. It is not traefik and says so when it starts.
 */
public final class TraefikStandIn implements AutoCloseable {

    private static final String USAGE =
            "usage: java -jar traefik-standin.jar --configFile=FILE [--check]   (a lab stand-in for traefik)";
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

    private final StaticConfig config;
    private final Log log;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30)) // traefik's default dial timeout
            .build();
    private final AtomicReference<Routing> routing = new AtomicReference<>();
    /** The certificates and TLS options in force: read by each new TLS handshake. */
    private final AtomicReference<TlsConfig> tls = new AtomicReference<>();
    private final Map<String, HttpServer> servers = new LinkedHashMap<>();
    private final ExecutorService requests = Executors.newCachedThreadPool();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "file-provider-watch");
        thread.setDaemon(true);
        return thread;
    });
    private List<String> watchedState;

    private TraefikStandIn(StaticConfig config, DynamicConfig dynamic, List<String> watchedState, PrintStream out)
            throws IOException {
        this.config = config;
        this.log = new Log(out, config.logLevel());
        this.watchedState = watchedState;
        routing.set(new Routing(dynamic, client, log));
        tls.set(dynamic.tls());
        AccessLog accessLog = config.accessLog() ? new AccessLog(out) : null;
        String hostname = Hostname.local();
        try {
            for (Map.Entry<String, InetSocketAddress> entryPoint : config.entryPoints().entrySet()) {
                String name = entryPoint.getKey();
                HttpServer server = bind(name, entryPoint.getValue(), config.tls(name));
                servers.put(name, server);
                if (config.tls(name)) {
                    ((HttpsServer) server).setHttpsConfigurator(TlsEntryPoint.of(config.tlsOptions().get(name), tls::get));
                }
                server.createContext("/", new EntryPointHandler(name, config.tls(name), name.equals(config.pingEntryPoint()),
                        routing::get, client, accessLog, log, hostname));
                server.setExecutor(requests);
                server.start();
            }
        } catch (IOException e) {
            close();
            throw e;
        } catch (GeneralSecurityException e) {
            close();
            throw new IOException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
        if (config.provider().watch()) {
            watcher.scheduleWithFixedDelay(this::reloadIfChanged,
                    WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        out.println("traefik stand-in (not traefik; lab use only) started from " + config.file()
                + ", entry points " + addresses());
    }

    public static void main(String[] args) {
        // The proxy forwards the client's Host header; java.net.http refuses that unless allowed
        // before its first use.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        int code = run(System.out, System.err, args);
        if (code != 0) {
            System.exit(code);
        }
        // On success the entry points' threads keep the JVM running until the process is stopped.
    }

    /** Exit codes: 0 started or configuration valid, 1 configuration refused or port unavailable, 2 usage. */
    static int run(PrintStream out, PrintStream err, String... args) {
        Path configFile = null;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i].toLowerCase(Locale.ROOT);
            if (flag.startsWith("--configfile=")) {
                configFile = Path.of(args[i].substring("--configfile=".length()));
            } else if (flag.equals("--configfile") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (flag.equals("--check")) {
                check = true;
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (configFile == null) {
            err.println(USAGE);
            return 2;
        }
        try {
            if (check) {
                validate(configFile);
                out.println(configFile + ": configuration OK (static and dynamic)");
            } else {
                start(configFile, out);
            }
            return 0;
        } catch (ConfigException | IOException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** Loads the static file and the dynamic configuration it points to, like {@code haproxy -c}. */
    public static void validate(Path staticFile) throws ConfigException {
        DynamicConfig.load(StaticConfig.load(staticFile));
    }

    /** Starts serving; {@code out} receives the log and the access log, as traefik's stdout does. */
    public static TraefikStandIn start(Path staticFile, PrintStream out) throws ConfigException, IOException {
        StaticConfig config = StaticConfig.load(staticFile);
        List<String> state = fileState(config.provider()); // before loading, so that no change goes unseen
        return new TraefikStandIn(config, DynamicConfig.load(config), state, out);
    }

    /** The port an entry point listens on; useful when it was configured as port 0. */
    public int port(String entryPoint) {
        return servers.get(entryPoint).getAddress().getPort();
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        servers.values().forEach(server -> server.stop(0));
        requests.shutdownNow();
        routing.get().close();
    }

    private static HttpServer bind(String name, InetSocketAddress address, boolean tls) throws IOException {
        try {
            return tls ? HttpsServer.create(address, 0) : HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException("entry point " + name + ": cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The file provider's watch: reload when a file changes; keep the old routing if the new one is refused. */
    private void reloadIfChanged() {
        List<String> state = fileState(config.provider());
        if (state.equals(watchedState)) {
            return;
        }
        watchedState = state;
        try {
            DynamicConfig dynamic = DynamicConfig.load(config);
            Routing previous = routing.getAndSet(new Routing(dynamic, client, log));
            tls.set(dynamic.tls());
            previous.close();
            log.info("dynamic configuration reloaded from " + config.provider().source());
        } catch (ConfigException e) {
            log.error("dynamic configuration refused, keeping the previous one: " + e.getMessage());
        }
    }

    /** Names, sizes and modification times of the provider's files, to notice changes. */
    private static List<String> fileState(StaticConfig.FileProvider provider) {
        List<String> state = new ArrayList<>();
        try {
            for (Path file : DynamicConfig.files(provider)) {
                state.add(file + " " + Files.size(file) + " " + Files.getLastModifiedTime(file));
            }
        } catch (ConfigException | IOException e) {
            state.add(e.getMessage());
        }
        return state;
    }

    private String addresses() {
        StringBuilder text = new StringBuilder();
        servers.forEach((name, server) -> text.append(name).append('=').append(server.getAddress()).append(' '));
        return text.toString().strip();
    }
}
