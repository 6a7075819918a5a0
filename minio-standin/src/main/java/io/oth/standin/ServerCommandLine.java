package io.oth.standin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code minio server DIR [--address [HOST]:PORT] [--certs-dir DIR] [--console-address ADDR]},
 * flags before or after DIR, each as {@code --flag value} or {@code --flag=value}, as MinIO parses them.
 *
 * @param host            the address to listen on; empty means every interface, as MinIO's {@code :9000}
 * @param certsDir        MinIO's certs directory; absent when neither given nor {@code $HOME} known
 * @param consoleAddress  accepted because oth passes it to the real MinIO; the stand-in has no console
 */
record ServerCommandLine(Path dataDir, String host, int port, Optional<Path> certsDir, Optional<String> consoleAddress) {

    static final String DEFAULT_ADDRESS = ":9000";

    static final String USAGE = """
            usage: minio server DIR [--address [HOST]:PORT] [--certs-dir DIR] [--console-address ADDR]
                   minio --version
            NOT MinIO: the oth lab's stand-in (S3Proxy on DIR). Environment: MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, MINIO_KMS_SECRET_KEY (optional).
            --address      where the S3 API listens (default :9000, every interface)
            --certs-dir    public.crt + private.key there mean HTTPS (default $HOME/.minio/certs)
            --console-address  accepted and ignored: the stand-in has no console""";

    /** Parses the arguments after {@code server}; {@code env} supplies {@code HOME} for the default certs dir. */
    static ServerCommandLine parse(List<String> args, Map<String, String> env) throws StandInException {
        List<String> dirs = new ArrayList<>();
        String address = DEFAULT_ADDRESS;
        String certsDir = null;
        String consoleAddress = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                dirs.add(arg);
                continue;
            }
            String flag = arg.replaceFirst("^--?", "");
            String value = null;
            int equals = flag.indexOf('=');
            if (equals >= 0) {
                value = flag.substring(equals + 1);
                flag = flag.substring(0, equals);
            }
            if (!List.of("address", "certs-dir", "S", "console-address").contains(flag)) {
                throw StandInException.usage(arg + ": not a flag the MinIO stand-in honours");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw StandInException.usage(arg + ": needs a value");
                }
                value = args.get(++i);
            }
            switch (flag) {
                case "address" -> address = value;
                case "certs-dir", "S" -> certsDir = value;
                default -> consoleAddress = value;
            }
        }
        Path dataDir = dataDir(dirs);
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw StandInException.usage("--address " + address + ": expected [HOST]:PORT, e.g. :9000 or 10.0.0.5:9000");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") != host.endsWith("]")) {
            throw StandInException.usage("--address " + address + ": unbalanced brackets around the IPv6 address");
        }
        Optional<Path> certs = certsDir != null ? Optional.of(Path.of(certsDir))
                : Optional.ofNullable(env.get("HOME")).map(home -> Path.of(home, ".minio", "certs"));
        return new ServerCommandLine(dataDir, host, port(address, address.substring(colon + 1)), certs,
                Optional.ofNullable(consoleAddress));
    }

    private static Path dataDir(List<String> dirs) throws StandInException {
        if (dirs.isEmpty()) {
            throw StandInException.usage("minio server: the data directory is missing");
        }
        if (dirs.size() > 1 || dirs.get(0).contains("...") || dirs.get(0).contains("://")) {
            throw StandInException.usage("minio server " + String.join(" ", dirs)
                    + ": the stand-in serves one local directory (no erasure coding, no distributed mode)");
        }
        return Path.of(dirs.get(0));
    }

    private static int port(String address, String text) throws StandInException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw StandInException.usage("--address " + address + ": the port must be a number from 0 to 65535");
    }
}
