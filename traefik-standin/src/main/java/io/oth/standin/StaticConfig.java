package io.oth.standin;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The honoured part of traefik's static (install) configuration. Anything else in the file is
 * refused, so that a generated configuration never relies on something the lab does not do.
 */
record StaticConfig(
        Path file,
        Map<String, InetSocketAddress> entryPoints,
        Map<String, String> tlsOptions,
        FileProvider provider,
        Log.Level logLevel,
        boolean accessLog,
        String pingEntryPoint) {

    /** Whether the entry point serves TLS ({@code entryPoints.NAME.http.tls}). */
    boolean tls(String entryPoint) {
        return tlsOptions.containsKey(entryPoint);
    }

    /** Traefik's internal entry point, which ping uses unless told otherwise. */
    static final String INTERNAL_ENTRY_POINT = "traefik";

    /** {@code providers.file}: one file, or every YAML file under a directory. */
    record FileProvider(Path source, boolean directory, boolean watch) {
    }

    static StaticConfig load(Path file) throws ConfigException {
        ConfigNode root = ConfigNode.load(file).allow("entryPoints", "providers", "log", "accessLog", "ping", "global");
        // Accepted so that a usual traefik file loads; the stand-in never contacts anyone either way.
        ConfigNode global = root.get("global").allow("checkNewVersion", "sendAnonymousUsage");
        global.get("checkNewVersion").bool(false);
        global.get("sendAnonymousUsage").bool(false);

        Map<String, InetSocketAddress> entryPoints = new LinkedHashMap<>();
        Map<String, String> tlsOptions = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : root.get("entryPoints").entries().entrySet()) {
            ConfigNode entryPoint = entry.getValue().allow("address", "http");
            entryPoints.put(entry.getKey(), address(entryPoint.get("address")));
            ConfigNode tls = entryPoint.get("http").allow("tls").get("tls").allow("options");
            if (tls.present()) {
                String options = tls.get("options").string(TlsConfig.DEFAULT_OPTIONS).replaceFirst("@file$", "");
                if (!options.equals(TlsConfig.DEFAULT_OPTIONS)) {
                    // traefik applies an entry point's named options only where the SNI names a router's host,
                    // and the default options to every other connection: a client could pick the weaker ones.
                    throw tls.get("options").error("the stand-in honours only the \"default\" TLS options here: traefik applies \""
                            + options + "\" only to connections whose SNI names a router's host, and \"default\" to all others");
                }
                tlsOptions.put(entry.getKey(), options);
            }
        }
        if (entryPoints.isEmpty()) {
            entryPoints.put("http", new InetSocketAddress(80)); // traefik's default when none is configured
        }

        ConfigNode fileProvider = root.get("providers").allow("file").get("file")
                .allow("filename", "directory", "watch");
        if (!fileProvider.present()) {
            throw root.get("providers").error("providers.file is required: it is the only provider the stand-in honours");
        }
        String filename = fileProvider.get("filename").string(null);
        String directory = fileProvider.get("directory").string(null);
        if ((filename == null) == (directory == null)) {
            throw fileProvider.error("set exactly one of filename and directory");
        }
        FileProvider provider = new FileProvider(Path.of(filename != null ? filename : directory),
                directory != null, fileProvider.get("watch").bool(true));

        ConfigNode level = root.get("log").allow("level").get("level");
        Log.Level logLevel;
        try {
            logLevel = Log.parseLevel(level.string("ERROR"));
        } catch (IllegalArgumentException e) {
            throw level.error("expected one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC");
        }

        boolean accessLog = root.get("accessLog").allow().present();

        ConfigNode ping = root.get("ping").allow("entryPoint");
        String pingEntryPoint = null;
        if (ping.present()) {
            pingEntryPoint = ping.get("entryPoint").string(INTERNAL_ENTRY_POINT);
            if (pingEntryPoint.equals(INTERNAL_ENTRY_POINT)) {
                entryPoints.putIfAbsent(INTERNAL_ENTRY_POINT, new InetSocketAddress(8080)); // as traefik does
            } else if (!entryPoints.containsKey(pingEntryPoint)) {
                throw ping.get("entryPoint").error("unknown entry point \"" + pingEntryPoint + "\"");
            }
        }
        return new StaticConfig(file, entryPoints, tlsOptions, provider, logLevel, accessLog, pingEntryPoint);
    }

    /** {@code ":80"}, {@code "10.0.0.5:80"} or {@code "[::1]:80"}; traefik's "/tcp" suffixes are not honoured. */
    private static InetSocketAddress address(ConfigNode node) throws ConfigException {
        String address = node.string();
        int colon = address.lastIndexOf(':');
        int port = colon < 0 ? -1 : parsePort(address.substring(colon + 1));
        if (port < 0 || port > 65535) {
            throw node.error("expected \":PORT\" or \"IP:PORT\", got \"" + address + "\"");
        }
        String host = address.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        InetSocketAddress resolved = new InetSocketAddress(host, port);
        if (resolved.isUnresolved()) {
            throw node.error("cannot resolve \"" + host + "\"");
        }
        return resolved;
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
