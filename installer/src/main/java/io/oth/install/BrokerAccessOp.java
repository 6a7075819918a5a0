package io.oth.install;

import io.oth.ca.SiteTls;
import io.oth.input.BoundedYaml;
import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.remote.TempFiles;
import io.oth.site.AppAccounts;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RabbitMQ's accounts as the site wants them: a vhost for the application, its user with
 * permissions on that vhost only, an administrator for operators, and no {@code guest}. Read from
 * the management API's {@code /api/definitions} as oth's administrator, through a forward to the
 * node's own address over TLS that must lead to the site CA. Where the API refuses that
 * administrator (the first install: not made yet), every account is set without reading them:
 * the import that follows needs rabbitmqctl, and reading first would boot a second Erlang VM.
 * Where the API does not answer at all, {@code rabbitmqctl export_definitions} reads the same
 * document at the price of an Erlang VM's start. Passwords are compared against the stored salted hashes and
 * set by importing definitions (salted hashes, never a password) through the API, or from a
 * private temporary file with rabbitmqctl when oth's administrator cannot log in yet; never on a
 * command line.
 *
 * <p>The application has a pair of users used in turn ({@code oth secrets rotate}): those in
 * {@code apps} are as above; those in {@code retired} are deleted (RabbitMQ has no locked user, and
 * the next rotation makes the idle one again with a fresh password).
 *
 * @param management where the management API listens on the storage node, and the site's root; empty:
 *                   read with rabbitmqctl as a probe (doctor's check, which has the probes of a node run at once)
 */
public record BrokerAccessOp(String vhost, List<Login> apps, List<String> retired, String adminUser, Secret adminPassword,
                             Optional<Management> management)
        implements Operation {
    /** An application user that logs in with this password and has the vhost. */
    public record Login(String user, Secret password) {
    }

    /** One application user, and no retired one. */
    public BrokerAccessOp(String vhost, String appUser, Secret appPassword, String adminUser, Secret adminPassword, Optional<Management> management) {
        this(vhost, List.of(new Login(appUser, appPassword)), List.of(), adminUser, adminPassword, management);
    }

    private static final String KEY = "rabbitmq:definitions";
    /** Whether the Erlang VM that the server's pid file names is alive: read from /proc, no VM booted to ask. */
    public static final String SERVER_ALIVE = io.oth.op.ServiceOp.pidFileNames(NodeLayout.RABBITMQ_PID, "beam.smp");
    /** The read's answer where the server does not run: a plan before the phase that starts it ({@code install --check} on a new site). */
    private static final String NOT_RUNNING = "RabbitMQ is not running";
    /**
     * The definitions through the CLI, asked only of a running server: against a stopped one,
     * rabbitmqctl would boot an Erlang VM for nothing and start epmd on every address (a read must
     * change nothing). Distribution stays on loopback whoever starts epmd.
     */
    private static final String EXPORT = "if " + SERVER_ALIVE + "; then ERL_EPMD_ADDRESS=127.0.0.1 rabbitmqctl -q export_definitions --format json - 2>&1;"
            + " else echo '" + NOT_RUNNING + "'; exit 1; fi";
    /** How long install gives the management API to answer each request. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The read's fallback, rabbitmqctl, boots an Erlang VM: it gets this many times the API's time. */
    private static final int CLI_FACTOR = 4;
    /**
     * The read's answer when the management API refused oth's administrator, which the plan tells
     * apart by this text (a node that printed it instead of its definitions would gain nothing: the
     * plan is the same, every account set).
     */
    static final String ADMIN_REFUSED = "@@oth: the management API refused oth's administrator";
    /** The definitions of one vhost and two users are a few KiB; a node that sends more is not read further. */
    private static final long MAX_DEFINITIONS = 4L << 20;

    /**
     * The management API over TLS: the node's address, its port, the root its certificate must chain
     * to, and how long it may take to answer each request ({@link #TIMEOUT} for install; doctor's
     * probe timeout, for which a RabbitMQ that hangs is a finding, not a wait). rabbitmqctl, where the
     * API does not answer, gets {@value #CLI_FACTOR} times as long; where the API took the connection
     * and let {@code timeout} pass, rabbitmqctl is asked only {@code whenSilent} (install, which has
     * the time; not doctor: a hung RabbitMQ keeps rabbitmqctl waiting as long).
     */
    public record Management(String address, int port, X509Certificate siteRoot, Duration timeout, boolean whenSilent) {
        /** As install reads and writes: {@link #TIMEOUT}, and rabbitmqctl whenever the API does not answer. */
        public Management(String address, int port, X509Certificate siteRoot) {
            this(address, port, siteRoot, TIMEOUT, true);
        }
    }

    @Override
    public String subject() {
        return "broker accounts";
    }

    @Override
    public List<Probe> probes() {
        return management.isPresent() ? List.of() : List.of(new Probe(KEY, EXPORT));
    }

    @Override
    public Map<String, Probe.Answer> read(Host host, Map<String, Probe.Answer> probed) throws RemoteException {
        if (management.isEmpty()) {
            return Map.of();
        }
        ApiRead fromApi = overApi(host, management.get());
        if (fromApi.definitions().isPresent()) {
            return Map.of(KEY, new Probe.Answer(0, fromApi.definitions().get()));
        }
        if (fromApi.refused()) {
            // Every account is set then, whatever the export would show: no Erlang VM booted to read it.
            return Map.of(KEY, new Probe.Answer(1, ADMIN_REFUSED));
        }
        if (fromApi.silent() && !management.get().whenSilent()) {
            return Map.of(KEY, new Probe.Answer(1, "its management API took the connection and did not answer within "
                    + management.get().timeout().toSeconds() + " s"));
        }
        List<Probe> export = List.of(new Probe(KEY, EXPORT));
        Duration cli = management.get().timeout().multipliedBy(CLI_FACTOR);
        try {
            return Probe.parseAll(host.name(), host.run(Command.shell(Probe.script(export)), cli).stdout(), export);
        } catch (RemoteException e) {
            if (e.failure() != Failure.COMMAND_TIMEOUT) {
                throw e;
            }
            // Said as what did not answer, not as the script that was stopped.
            throw new RemoteException(host.name(), Failure.COMMAND_TIMEOUT, "RabbitMQ's management API did not answer, nor rabbitmqctl within "
                    + cli.toSeconds() + " s");
        }
    }

    /** What the read over the API found: the definitions, or none, and then whether RabbitMQ answered that oth's administrator cannot log in. */
    private record ApiRead(Optional<String> definitions, boolean refused, boolean silent) {
        ApiRead(Optional<String> definitions, boolean refused) {
            this(definitions, refused, false);
        }
    }

    /**
     * The definitions from the management API; or none, with {@code refused} when RabbitMQ answered
     * that oth's administrator cannot log in (a first install: not made yet; or its password or tags
     * were changed there); or none when it did not answer them (not running, no forward to it): then
     * rabbitmqctl reads them, or says why it cannot; {@code silent} when it took the connection and
     * let the timeout pass.
     */
    private ApiRead overApi(Host host, Management management) {
        try (Api api = Api.open(host, management, adminUser, adminPassword)) {
            return api.definitions();
        } catch (java.io.InterruptedIOException e) {
            // a socket's timeout, or OkHttp's for the whole call
            return new ApiRead(Optional.empty(), false, true);
        } catch (IOException | RemoteException e) {
            return new ApiRead(Optional.empty(), false);
        }
    }

    /**
     * The management API as oth's administrator, through one forward to the node's own address over
     * TLS that must lead to the site CA: reads without booting an Erlang VM, and the changes that
     * follow an import (a permission taken away, guest deleted) likewise.
     */
    static final class Api implements AutoCloseable {
        private final Forward forward;
        private final OkHttpClient http;
        private final String authorization;

        private Api(Forward forward, OkHttpClient http, String authorization) {
            this.forward = forward;
            this.http = http;
            this.authorization = authorization;
        }

        static Api open(Host host, Management management, String user, Secret password) throws RemoteException {
            OkHttpClient http;
            try {
                http = SiteTls.httpClient(SiteTls.trustManager(management.siteRoot(), management.address()), management.address(), management.timeout())
                        .retryOnConnectionFailure(false).build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS with the site CA: " + e.getMessage(), e);
            }
            return new Api(host.forward(management.address(), management.port()), http, Credentials.basic(user, password.reveal()));
        }

        /** The whole definitions document; or none, refused when the API answered 401 (not this administrator, or not with this password). */
        ApiRead definitions() throws IOException {
            try (Response response = http.newCall(request("/api/definitions").build()).execute()) {
                if (response.code() != 200 || response.body() == null) {
                    return new ApiRead(Optional.empty(), response.code() == 401);
                }
                byte[] body = response.body().byteStream().readNBytes((int) MAX_DEFINITIONS + 1);
                return new ApiRead(body.length > MAX_DEFINITIONS ? Optional.empty() : Optional.of(new String(body, StandardCharsets.UTF_8)), false);
            }
        }

        /** POST or DELETE; whether RabbitMQ took it (2xx). */
        boolean send(String method, String path, String json) throws IOException {
            RequestBody body = json == null ? null : RequestBody.create(json, MediaType.get("application/json"));
            try (Response response = http.newCall(request(path).method(method, body).build()).execute()) {
                return response.isSuccessful();
            }
        }

        private Request.Builder request(String path) {
            return new Request.Builder().url("https://127.0.0.1:" + forward.localPort() + path).header("Authorization", authorization);
        }

        @Override
        public void close() {
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
            forward.close();
        }
    }

    /**
     * Why {@code answers} say nothing of the accounts, if they do not: RabbitMQ did not answer
     * (neither the API nor rabbitmqctl). Not where the API refused oth's administrator: that is
     * RabbitMQ's answer, and the accounts are set then.
     */
    @Override
    public Optional<String> unanswered(Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.get(KEY);
        return answer.ok() || ADMIN_REFUSED.equals(answer.output()) ? Optional.empty()
                : Optional.of("RabbitMQ did not answer (" + NodeText.shown(firstLine(answer.output())) + ")");
    }

    /**
     * Whether the read found no RabbitMQ to ask: not running, or not installed (the shell found no
     * rabbitmqctl, exit 127): a plan before the phase that installs and starts it.
     */
    private static boolean notThere(Probe.Answer answer) {
        return answer.output().strip().equals(NOT_RUNNING) || answer.exitCode() == 127;
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(KEY);
        List<String> needed = new ArrayList<>();
        boolean guest;
        Object loaded = answer.ok() ? definitionsIn(answer.output()) : null;
        Optional<String> unanswered = unanswered(answers);
        if (unanswered.isPresent() && !notThere(answer)) {
            // RabbitMQ runs, and neither its API nor rabbitmqctl answered: the changes would go the same way.
            String why = AppAccounts.unread("RabbitMQ", unanswered.get());
            return Optional.of(Change.refusal(subject() + ": " + why, why));
        }
        if (!(loaded instanceof Map<?, ?> defs)) {
            String why = unanswered.orElseGet(() -> !answer.ok() ? adminUser + " cannot log in to the management API (not made yet, or changed there)"
                    : "RabbitMQ's definitions did not parse (" + NodeText.shown(firstLine(answer.output())) + ")");
            needed.add(why + ": all accounts will be set");
            guest = true;
        } else {
            List<Map<String, Object>> users = maps(defs.get("users"));
            List<Map<String, Object>> vhosts = maps(defs.get("vhosts"));
            List<Map<String, Object>> permissions = maps(defs.get("permissions"));
            guest = users.stream().anyMatch(u -> "guest".equals(u.get("name")));
            if (vhosts.stream().noneMatch(v -> vhost.equals(v.get("name")))) {
                needed.add("create vhost " + vhost);
            }
            for (Login app : apps) {
                String appUser = app.user();
                checkUser(users, appUser, app.password(), "", needed);
                if (permissions.stream().noneMatch(p -> appUser.equals(p.get("user")) && vhost.equals(p.get("vhost")) && ".*".equals(p.get("configure"))
                        && ".*".equals(p.get("write")) && ".*".equals(p.get("read")))) {
                    needed.add("give " + appUser + " access to vhost " + vhost);
                }
                if (permissions.stream().anyMatch(p -> appUser.equals(p.get("user")) && !vhost.equals(p.get("vhost")))) {
                    needed.add("take " + appUser + "'s access to other vhosts away");
                }
            }
            checkUser(users, adminUser, adminPassword, "administrator", needed);
            for (String old : retired) {
                if (users.stream().anyMatch(u -> old.equals(u.get("name")))) {
                    needed.add("delete user " + old);
                }
            }
        }
        if (guest) {
            needed.add("delete user guest");
        }
        if (needed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Change.of("broker accounts: " + String.join(", ", needed), context -> apply(context.host())));
    }

    /**
     * Imports the definitions and then takes away what they cannot: the application's access to other
     * vhosts, and guest. Through the management API when oth's administrator already logs in there;
     * otherwise (a first install, an administrator changed behind oth's back) rabbitmqctl imports
     * them, which makes the administrator, and the rest goes through the API as well, each step
     * from a fresh read. rabbitmqctl does it all only when the API does not answer.
     */
    private void apply(Host host) throws RemoteException {
        if (management.isPresent() && changeOverApi(host, management.get(), true)) {
            return;
        }
        // rabbitmqctl runs as the rabbitmq user and reads the definitions from a file: a 0600 one it owns, removed at once
        String importing = "set -e; f=$(mktemp " + TempFiles.scratch("oth-definitions") + "); trap 'rm -f \"$f\"' EXIT; chown rabbitmq \"$f\"; cat > \"$f\";"
                + " rabbitmqctl -q import_definitions \"$f\"";
        StringBuilder rest = new StringBuilder();
        for (Login app : apps) {
            rest.append(" for v in $(rabbitmqctl -q list_user_permissions --no-table-headers ").append(Command.quote(app.user())).append(" | cut -f1); do")
                    .append(" [ \"$v\" = ").append(Command.quote(vhost)).append(" ] || rabbitmqctl -q clear_permissions -p \"$v\" ")
                    .append(Command.quote(app.user())).append("; done;");
        }
        for (String gone : concat(retired, "guest")) {
            rest.append(" if rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -qxF ").append(Command.quote(gone))
                    .append("; then rabbitmqctl -q delete_user ").append(Command.quote(gone)).append("; fi;");
        }
        boolean apiAfter = management.isPresent();
        run(host, apiAfter ? importing : importing + ";" + rest, Secret.of(definitions()));
        if (apiAfter && !changeOverApi(host, management.get(), false)) {
            run(host, "set -e;" + rest, null);
        }
    }

    private static void run(Host host, String script, Secret input) throws RemoteException {
        CommandResult r = input == null ? host.run(Command.shell(script), Duration.ofSeconds(120))
                : host.run(Command.shell(script), input, Duration.ofSeconds(120));
        if (!r.ok()) {
            throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "RabbitMQ refused the account changes: " + r.diagnostic());
        }
    }

    /**
     * The changes through the API: the definitions first when {@code importing}, then, from a fresh
     * read, every permission of the application outside its vhost and guest taken away. False when
     * the API did not take part of it (then rabbitmqctl does it all again, which changes nothing twice).
     */
    private boolean changeOverApi(Host host, Management management, boolean importing) {
        try (Api api = Api.open(host, management, adminUser, adminPassword)) {
            if (importing && !api.send("POST", "/api/definitions", definitions())) {
                return false;
            }
            Optional<String> read = api.definitions().definitions();
            Object loaded = read.isPresent() ? definitionsIn(read.get()) : null;
            if (!(loaded instanceof Map<?, ?> defs)) {
                return false;
            }
            List<String> appUsers = apps.stream().map(Login::user).toList();
            for (Map<String, Object> p : maps(defs.get("permissions"))) {
                if (p.get("user") instanceof String user && appUsers.contains(user) && p.get("vhost") instanceof String other && !vhost.equals(other)
                        && !api.send("DELETE", "/api/permissions/" + segment(other) + "/" + segment(user), null)) {
                    return false;
                }
            }
            for (String gone : concat(retired, "guest")) {
                if (maps(defs.get("users")).stream().anyMatch(u -> gone.equals(u.get("name"))) && !api.send("DELETE", "/api/users/" + segment(gone), null)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RemoteException | RuntimeException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> names, String last) {
        List<String> all = new ArrayList<>(names);
        all.add(last);
        return all;
    }

    /** One path segment of the API's URLs: a vhost named "/" is %2F there. */
    private static String segment(String name) {
        return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the vhost, both accounts and their permissions are already as wanted, and there is no guest";
    }

    private static void checkUser(List<Map<String, Object>> users, String name, Secret password, String tag, List<String> needed) {
        Optional<Map<String, Object>> user = users.stream().filter(u -> name.equals(u.get("name"))).findFirst();
        if (user.isEmpty()) {
            needed.add("create user " + name);
            return;
        }
        if (!matches(String.valueOf(user.get().get("password_hash")), password.reveal())) {
            needed.add("set the password of " + name);
        }
        Object tags = user.get().get("tags");
        String tagText = tags instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(tags);
        if (!tagText.equals(tag)) {
            needed.add("set the tags of " + name + " to [" + tag + "]");
        }
    }

    /** The definitions to import: users with salted SHA-256 hashes, the vhost and the permissions. */
    String definitions() {
        StringBuilder users = new StringBuilder();
        StringBuilder permissions = new StringBuilder();
        for (Login app : apps) {
            users.append(userJson(app.user(), app.password(), "")).append(", ");
            permissions.append(permissionJson(app.user(), vhost)).append(", ");
        }
        return "{\"users\": [" + users + userJson(adminUser, adminPassword, "administrator") + "],"
                + " \"vhosts\": [{\"name\": \"" + vhost + "\"}],"
                + " \"permissions\": [" + permissions + permissionJson(adminUser, vhost) + ", " + permissionJson(adminUser, "/") + "]}";
    }

    private static String userJson(String name, Secret password, String tags) {
        byte[] salt = new byte[4];
        new SecureRandom().nextBytes(salt);
        return "{\"name\": \"" + name + "\", \"password_hash\": \"" + hash(salt, password.reveal())
                + "\", \"hashing_algorithm\": \"rabbit_password_hashing_sha256\", \"tags\": \"" + tags + "\"}";
    }

    private static String permissionJson(String user, String vhost) {
        return "{\"user\": \"" + user + "\", \"vhost\": \"" + vhost + "\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}";
    }

    /** RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), with a 4-byte salt. */
    static String hash(byte[] salt, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            byte[] digest = sha.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] all = Arrays.copyOf(salt, salt.length + digest.length);
            System.arraycopy(digest, 0, all, salt.length, digest.length);
            return Base64.getEncoder().encodeToString(all);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean matches(String storedHash, String password) {
        try {
            byte[] stored = Base64.getDecoder().decode(storedHash);
            return stored.length > 4 && hash(Arrays.copyOf(stored, 4), password).equals(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The definitions document a node sent, parsed; null when it is not one (a node may send anything). */
    private static Object definitionsIn(String text) {
        try {
            return BoundedYaml.load(text, BoundedYaml.settings("RabbitMQ's definitions", new JsonSchema()).build());
        } catch (YamlEngineException e) {
            return null;
        }
    }

    /** The mappings in a list of the definitions; anything else there (a node may send anything) is not one of them. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        return list instanceof List<?> items ? items.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList() : List.of();
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("no output");
    }
}
