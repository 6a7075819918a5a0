package io.oth.standin;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The honoured part of traefik's dynamic (routing) configuration, as read by the file provider.
 * A router that points at an unknown service, middleware or entry point is refused, not skipped.
 */
record DynamicConfig(Map<String, Router> routers, Map<String, Service> services, Map<String, Headers> middlewares,
                     TlsConfig tls) {

    record Router(String name, Rule rule, int priority, List<String> entryPoints, String service,
                  List<String> middlewares) {
    }

    record Service(String name, List<URI> servers, boolean passHostHeader, HealthCheck healthCheck) {
    }

    record HealthCheck(String path, Duration interval, Duration timeout) {
    }

    /** The {@code headers} middleware; an empty value removes the header. */
    record Headers(Map<String, String> request, Map<String, String> response) {
    }

    static DynamicConfig load(StaticConfig config) throws ConfigException {
        List<ConfigNode> roots = new ArrayList<>();
        for (Path file : files(config.provider())) {
            roots.add(ConfigNode.load(file).allow("http", "tls"));
        }
        Map<String, Service> services = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : collect(roots, "services").entrySet()) {
            services.put(entry.getKey(), service(entry.getKey(), entry.getValue()));
        }
        Map<String, Headers> middlewares = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : collect(roots, "middlewares").entrySet()) {
            middlewares.put(entry.getKey(), middleware(entry.getValue()));
        }
        Map<String, Router> routers = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : collect(roots, "routers").entrySet()) {
            routers.put(entry.getKey(), router(entry.getKey(), entry.getValue(), config, services, middlewares));
        }
        TlsConfig tls = TlsConfig.load(roots);
        for (Map.Entry<String, String> entryPoint : config.tlsOptions().entrySet()) {
            if (tls.certificates().isEmpty()) {
                throw new ConfigException(config.provider().source() + ": tls.certificates: entry point " + entryPoint.getKey()
                        + " serves TLS, so at least one certificate is required (the stand-in has no default certificate)");
            }
        }
        return new DynamicConfig(routers, services, middlewares, tls);
    }

    /** The files the provider reads: its one file, or every .yml/.yaml file under its directory. */
    static List<Path> files(StaticConfig.FileProvider provider) throws ConfigException {
        if (!provider.directory()) {
            return List.of(provider.source());
        }
        try (Stream<Path> walk = Files.walk(provider.source())) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            List<Path> yaml = new ArrayList<>();
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".toml")) {
                    throw new ConfigException(file + ": TOML is not honoured by the traefik stand-in; use YAML");
                }
                if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    yaml.add(file);
                }
            }
            return yaml;
        } catch (IOException e) {
            throw new ConfigException(provider.source() + ": cannot read the directory: " + e);
        }
    }

    /** All definitions of one kind across the files; the same name twice is refused. */
    private static Map<String, ConfigNode> collect(List<ConfigNode> roots, String kind) throws ConfigException {
        Map<String, ConfigNode> all = new LinkedHashMap<>();
        for (ConfigNode root : roots) {
            ConfigNode http = root.get("http").allow("routers", "services", "middlewares");
            for (Map.Entry<String, ConfigNode> entry : http.get(kind).entries().entrySet()) {
                ConfigNode first = all.putIfAbsent(entry.getKey(), entry.getValue());
                if (first != null) {
                    throw entry.getValue().error("already defined in " + first.file());
                }
            }
        }
        return all;
    }

    private static Service service(String name, ConfigNode node) throws ConfigException {
        ConfigNode loadBalancer = node.allow("loadBalancer").get("loadBalancer")
                .allow("servers", "passHostHeader", "healthCheck");
        if (!loadBalancer.present()) {
            throw node.error("loadBalancer is required: it is the only service type the stand-in honours");
        }
        List<URI> servers = new ArrayList<>();
        for (ConfigNode server : loadBalancer.get("servers").list()) {
            servers.add(serverUrl(server.allow("url").get("url")));
        }
        if (servers.isEmpty()) {
            throw loadBalancer.get("servers").error("at least one server is required");
        }
        ConfigNode check = loadBalancer.get("healthCheck").allow("path", "interval", "timeout");
        HealthCheck healthCheck = null;
        if (check.present()) {
            String path = check.get("path").string();
            if (!path.startsWith("/")) {
                throw check.get("path").error("must start with '/'");
            }
            healthCheck = new HealthCheck(path, check.get("interval").duration(Duration.ofSeconds(30)),
                    check.get("timeout").duration(Duration.ofSeconds(5)));
        }
        return new Service(name, servers, loadBalancer.get("passHostHeader").bool(true), healthCheck);
    }

    /** {@code http://HOST:PORT}, nothing more (the port defaults to 80). */
    private static URI serverUrl(ConfigNode node) throws ConfigException {
        String url = node.string();
        try {
            URI uri = new URI(url);
            boolean plain = "http".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            if (plain) {
                return new URI("http", null, uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), null, null, null);
            }
        } catch (URISyntaxException e) {
            throw node.error("not a URL: " + e.getMessage());
        }
        throw node.error("expected http://HOST:PORT, got \"" + url + "\"");
    }

    private static Headers middleware(ConfigNode node) throws ConfigException {
        ConfigNode headers = node.allow("headers").get("headers")
                .allow("customRequestHeaders", "customResponseHeaders");
        if (!headers.present()) {
            throw node.error("a middleware type is required; the stand-in honours headers");
        }
        return new Headers(headers.get("customRequestHeaders").stringMap(),
                headers.get("customResponseHeaders").stringMap());
    }

    private static Router router(String name, ConfigNode node, StaticConfig config, Map<String, Service> services,
                                 Map<String, Headers> middlewares) throws ConfigException {
        node.allow("rule", "entryPoints", "service", "priority", "middlewares");
        String ruleText = node.get("rule").string();
        Rule rule;
        try {
            rule = RuleParser.parse(ruleText);
        } catch (IllegalArgumentException e) {
            throw node.get("rule").error(e.getMessage());
        }
        List<String> entryPoints = new ArrayList<>();
        for (ConfigNode entryPoint : node.get("entryPoints").list()) {
            if (!config.entryPoints().containsKey(entryPoint.string())) {
                throw entryPoint.error("unknown entry point \"" + entryPoint.string() + "\" (defined: "
                        + config.entryPoints().keySet() + ")");
            }
            entryPoints.add(entryPoint.string());
        }
        if (entryPoints.isEmpty()) {
            // traefik's default: every entry point but its internal one
            config.entryPoints().keySet().stream()
                    .filter(entryPoint -> !entryPoint.equals(StaticConfig.INTERNAL_ENTRY_POINT))
                    .forEach(entryPoints::add);
        }
        List<String> chain = new ArrayList<>();
        for (ConfigNode middleware : node.get("middlewares").list()) {
            chain.add(reference(middleware, "middleware", middlewares));
        }
        int priority = node.get("priority").integer(0);
        return new Router(name, rule, priority == 0 ? ruleText.length() : priority, entryPoints,
                reference(node.get("service"), "service", services), chain);
    }

    /** A name defined elsewhere; traefik's provider-qualified form {@code name@file} is accepted. */
    private static String reference(ConfigNode node, String kind, Map<String, ?> defined) throws ConfigException {
        String name = node.string().replaceFirst("@file$", "");
        if (!defined.containsKey(name)) {
            throw node.error("unknown " + kind + " \"" + node.string() + "\" (defined: " + defined.keySet() + ")");
        }
        return name;
    }
}
