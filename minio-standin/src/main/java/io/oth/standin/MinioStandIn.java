package io.oth.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A stand-in for MinIO, for the lab only: S3Proxy serving the S3 API from one data directory,
 * started with MinIO's command line and environment. It is not MinIO and says so when it starts.
 */
public final class MinioStandIn implements AutoCloseable {
    static final String ROOT_USER = "MINIO_ROOT_USER";
    static final String ROOT_PASSWORD = "MINIO_ROOT_PASSWORD";
    /** How long a stop waits for requests in flight, as MinIO does on SIGTERM. */
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final S3Proxy proxy;
    private final BlobStore data;
    private final ServerCommandLine commandLine;
    private final boolean secure;
    private final Iam iam;

    private MinioStandIn(S3Proxy proxy, BlobStore data, ServerCommandLine commandLine, boolean secure, Iam iam) {
        this.proxy = proxy;
        this.data = data;
        this.commandLine = commandLine;
        this.secure = secure;
        this.iam = iam;
    }

    public static void main(String[] args) {
        int code = run(System.out, System.err, List.of(args), System.getenv());
        if (code != 0) {
            System.exit(code);
        }
        // On success S3Proxy's (non-daemon) server threads keep the JVM running until it is stopped.
    }

    /** Exit codes: 0 started (or version, help), 1 refused (environment, files, port), 2 usage. */
    static int run(PrintStream out, PrintStream err, List<String> args, Map<String, String> env) {
        String command = args.isEmpty() ? "" : args.get(0);
        if (List.of("--version", "-v", "version").contains(command)) {
            out.println(version());
            return 0;
        }
        if (List.of("--help", "-h", "help").contains(command) || args.contains("--help") || args.contains("-h")) {
            out.println(ServerCommandLine.USAGE);
            return 0;
        }
        try {
            MinioStandIn standIn = start(args, env, err);
            out.println("NOT MinIO: the oth lab's stand-in for it (S3Proxy " + s3proxyVersion()
                    + "); minio-standin/README.md says what it honours");
            out.println("API: " + standIn.listening());
            out.println("Data: " + standIn.commandLine.dataDir().toAbsolutePath());
            out.println("Users: " + ROOT_USER + " and " + standIn.iam.userCount() + " made through the admin API ("
                    + standIn.commandLine.dataDir().resolve(Iam.FILE_NAME) + ")");
            Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "minio-standin-stop"));
            return 0;
        } catch (StandInException e) {
            err.println("minio stand-in: " + e.getMessage());
            if (e.isUsage()) {
                err.println(ServerCommandLine.USAGE);
                return 2;
            }
            return 1;
        }
    }

    /**
     * Starts serving, as {@code minio ARGS} would with environment {@code env}; {@code args} starts
     * with {@code server}. Notices (ignored settings) go to standard error.
     */
    public static MinioStandIn start(List<String> args, Map<String, String> env) throws StandInException {
        return start(args, env, System.err);
    }

    static MinioStandIn start(List<String> args, Map<String, String> env, PrintStream log)
            throws StandInException {
        if (args.isEmpty() || !args.get(0).equals("server")) {
            throw StandInException.usage((args.isEmpty() ? "no command" : args.get(0) + ": not a command")
                    + "; the MinIO stand-in runs `minio server` only");
        }
        ServerCommandLine commandLine = ServerCommandLine.parse(args.subList(1, args.size()), env);
        String rootUser = required(env, ROOT_USER, 3);
        String rootPassword = required(env, ROOT_PASSWORD, 8);
        reportIgnored(commandLine, env, log);

        Optional<SSLContext> tls = commandLine.certsDir().isPresent()
                ? CertsDir.load(commandLine.certsDir().get()) : Optional.empty();
        Optional<KmsKey> kms = KmsKey.fromEnvironment(env);
        DefaultEncryption encryption = DefaultEncryption.open(commandLine.dataDir());
        if (kms.isEmpty() && !encryption.buckets().isEmpty()) {
            throw StandInException.refused("bucket " + String.join(", ", encryption.buckets()) + " encrypts its objects (SSE-S3) but "
                    + KmsKey.VARIABLE + " is not set: KMS not configured");
        }
        BlobStore data = new EncryptingBlobStore(dataDirectory(commandLine.dataDir()), kms, encryption);
        Iam iam = Iam.open(commandLine.dataDir(), rootUser);

        URI endpoint = endpoint(commandLine, tls.isPresent());
        S3Proxy.Builder builder = S3Proxy.builder()
                // Anonymous requests (public buckets only) see the root user's view.
                .blobStore(BucketScopedBlobStore.everyBucket(data))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, rootUser, rootPassword)
                .stopTimeout(STOP_TIMEOUT_MS);
        if (tls.isPresent()) {
            builder.secureEndpoint(endpoint).sslContext(tls.get());
        } else {
            builder.endpoint(endpoint);
        }
        S3Proxy proxy = builder.build();
        proxy.setBlobStoreLocator(new AccessKeys(rootUser, rootPassword, data, iam));
        serveAdminApi(proxy, new AdminApi(rootUser, rootPassword, iam));
        try {
            proxy.start();
        } catch (Exception e) {
            stopQuietly(proxy);
            throw StandInException.refused("cannot listen on " + endpoint.getAuthority() + ": " + e.getMessage(), e);
        }
        return new MinioStandIn(proxy, data, commandLine, tls.isPresent(), iam);
    }

    /**
     * Puts the admin API in front of S3Proxy's S3 servlet, on the same port as in MinIO. S3Proxy
     * keeps its (shaded) Jetty server to itself, so it is reached by reflection: S3Proxy's version is pinned,
     * and a change there fails the start (and the tests) here.
     */
    private static void serveAdminApi(S3Proxy proxy, AdminApi admin) throws StandInException {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            Server server = (Server) field.get(proxy);
            ServletContextHandler context = (ServletContextHandler) ((Handler.Wrapper) server.getHandler()).getHandler();
            context.addServlet(new ServletHolder(admin), AdminApi.PATH + "*");
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw StandInException.refused("cannot add the admin API to S3Proxy " + s3proxyVersion() + ": " + e, e);
        }
    }

    /** The port the S3 API listens on; useful when {@code --address} said port 0. */
    public int port() {
        return secure ? proxy.getSecurePort() : proxy.getPort();
    }

    /** Whether it serves HTTPS (the certs directory held a certificate and key). */
    public boolean secure() {
        return secure;
    }

    /** An address a client on this machine can use: the listening host, or 127.0.0.1 for every interface. */
    public URI url() {
        String host = commandLine.host().isEmpty() ? "127.0.0.1" : commandLine.host();
        return URI.create((secure ? "https" : "http") + "://" + host + ":" + port());
    }

    @Override
    public void close() {
        stopQuietly(proxy);
        data.close();
    }

    /** {@code minio --version}. */
    static String version() {
        return "minio version stand-in (S3Proxy " + s3proxyVersion() + ")";
    }

    /** As the (shaded) jar carries it. */
    private static String s3proxyVersion() {
        String version = "unknown";
        try (InputStream in = S3Proxy.class.getResourceAsStream("/META-INF/maven/org.gaul/s3proxy/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                version = properties.getProperty("version", version);
            }
        } catch (IOException e) {
            // the version stays unknown
        }
        return version;
    }

    private String listening() {
        String base = (secure ? "https" : "http") + "://" + commandLine.host() + ":" + port();
        return commandLine.host().isEmpty() ? base + " (every interface)" : base;
    }

    /** A required credential; the message names the variable and never shows the value. */
    private static String required(Map<String, String> env, String name, int minimumLength)
            throws StandInException {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw StandInException.refused(name + " is not set; MinIO (and its stand-in) needs " + ROOT_USER
                    + " and " + ROOT_PASSWORD + " in the environment");
        }
        if (value.length() < minimumLength) {
            throw StandInException.refused(name + " must be at least " + minimumLength + " characters long,"
                    + " as MinIO requires");
        }
        return value;
    }

    private static void reportIgnored(ServerCommandLine commandLine, Map<String, String> env, PrintStream log) {
        commandLine.consoleAddress().ifPresent(address ->
                log.println("minio stand-in: --console-address " + address + " ignored: the stand-in has no console"));
        Set<String> ignored = new TreeSet<>();
        for (String name : env.keySet()) {
            if (name.startsWith("MINIO_") && !name.equals(ROOT_USER) && !name.equals(ROOT_PASSWORD) && !name.equals(KmsKey.VARIABLE)) {
                ignored.add(name);
            }
        }
        if (!ignored.isEmpty()) {
            log.println("minio stand-in: not honoured, ignored: " + String.join(", ", ignored));
        }
    }

    /** MinIO creates its data directory when it is missing; so does the stand-in. */
    private static BlobStore dataDirectory(Path dir) throws StandInException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StandInException.refused(dir + ": cannot create the data directory ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (!Files.isWritable(dir)) {
            throw StandInException.refused(dir + ": the data directory is not writable");
        }
        return new RemovalsApartBlobStore(new FilesystemNio2BlobStore(dir.toString()));
    }

    private static URI endpoint(ServerCommandLine commandLine, boolean secure) throws StandInException {
        // An empty host is MinIO's ":9000", every interface; "::" listens on IPv4 and IPv6 alike.
        String host = commandLine.host().isEmpty() ? "[::]" : commandLine.host();
        try {
            return new URI((secure ? "https" : "http") + "://" + host + ":" + commandLine.port());
        } catch (URISyntaxException e) {
            throw StandInException.usage("--address " + commandLine.host() + ":" + commandLine.port()
                    + ": not a host name or IP address");
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            // stopping is best effort; the process is ending or the start already failed
        }
    }
}
