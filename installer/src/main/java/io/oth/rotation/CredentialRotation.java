package io.oth.rotation;

import io.oth.install.BrokerAccessOp;
import io.oth.install.DatabaseAccessOp;
import io.oth.install.MinioAccessOp;
import io.oth.install.MinioRetiredUserOp;
import io.oth.install.InstallPhases;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.install.NodeLayout;
import io.oth.install.phase.Application;
import io.oth.install.phase.Broker;
import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.FileOp;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.phase.HostFacts;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.progress.Progress;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;
import io.oth.secret.PrivateFiles;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Role;
import io.oth.site.ServicePorts;
import io.oth.site.Site;
import io.oth.site.StateDir;
import io.oth.upgrade.RollingUpgrade;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code oth secrets rotate}: the application moves to fresh credentials without a failed request.
 * Each service has two application accounts used in turn ({@link AppAccounts.Pair}); MariaDB 10.11
 * has no second password per account, so the idle one is made to log in with a fresh password
 * while the active one still works, the app nodes move to it one at a time (drained in haproxy,
 * settings and password file written, restarted, health-checked, put back: {@link RollingUpgrade}),
 * and only then the old one is locked.
 *
 * <p>Where the rotation stands is kept in the site's secrets ({@link Secrets#beginRotation},
 * {@link Secrets#finishRotation}), never guessed from the nodes: a run killed halfway resumes with
 * the same new password, a node that already uses the new account is left alone, and {@code oth
 * install} keeps both accounts open until the rotation has finished.
 */
public final class CredentialRotation {
    /** The services whose application credentials rotate: the values {@code --service} takes (and {@code all}). */
    public enum Service {
        database(AppAccounts.DATABASE_ACCOUNTS),
        broker(AppAccounts.BROKER_ACCOUNTS),
        objects(AppAccounts.OBJECTS_ACCOUNTS);

        private final AppAccounts.Pair pair;

        Service(AppAccounts.Pair pair) {
            this.pair = pair;
        }

        public AppAccounts.Pair pair() {
            return pair;
        }
    }

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final String BROKER_SERVICE = "rabbitmq-server";

    private final Installer.Inputs inputs;
    private final Site site;
    private final Secrets secrets;
    private final Fleet fleet;
    private final Consumer<String> say;
    private final Clock clock;
    private final RollingUpgrade rolling;
    private final Application application;
    private final List<String> appAddresses;
    private final ServicePorts ports;
    private final Playbooks playbooks;
    /** The storage node's init system, read before the first account changes. */
    private InitSystem storageInit;

    /** @param inputs what install would use, saved: the secrets file is where the rotation's state is kept */
    public CredentialRotation(Installer.Inputs inputs, Playbooks playbooks, Fleet fleet, int concurrency, Consumer<String> say, Clock clock, Progress progress) {
        this.inputs = inputs;
        this.site = inputs.site();
        this.secrets = inputs.secrets();
        this.fleet = fleet;
        this.say = say;
        this.clock = clock;
        this.rolling = new RollingUpgrade(site, playbooks, fleet, say, concurrency, progress);
        this.application = (Application) phase(new InstallPhases(inputs, InstallPlaybook.load(), playbooks, Duration.ZERO).phases(), "application");
        this.appAddresses = site.nodesWithRole(Role.APP).stream().map(Node::address).toList();
        this.ports = ServicePorts.of(playbooks);
        this.playbooks = playbooks;
    }

    private static Phase phase(List<Phase> phases, String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("playbooks/install.yml has no phase " + name));
    }

    /** One service's move: from the account the application uses to the other one of its pair. */
    private record Move(Service service, AppAccounts.Account from, AppAccounts.Account to) {
        String describe() {
            return service.name() + ": " + from.user() + " -> " + to.user();
        }
    }

    /**
     * Rotates the application's credentials of {@code services} that oth runs (an external service's
     * are the provider's: {@code oth secrets set}); answers what was rotated, one line per service.
     */
    public List<String> rotate(Set<Service> services) throws RemoteException, RollingUpgrade.UpgradeException, IOException, SecretsException {
        List<Service> local = services.stream().filter(this::isLocal).sorted().toList();
        services.stream().filter(s -> !isLocal(s)).sorted().forEach(s -> say.accept(s.name() + ": external; rotate its credential with the provider,"
                + " then: oth secrets set " + external(s)));
        if (local.isEmpty()) {
            return List.of();
        }
        List<RollingUpgrade.AppNode> nodes = rolling.survey();
        Host lb = rolling.loadBalancer();
        String health = inputs.release().health();
        rolling.preflight(lb, nodes, health);
        Host storage = storageHost();
        storageInit = initOf(storage);

        List<Move> moves = new ArrayList<>();
        for (Service s : local) {
            AppAccounts.Pair pair = s.pair();
            AppAccounts.Account from = pair.active(secrets);
            Optional<String> resumed = secrets.rotating(s.name());
            AppAccounts.Account to = pair.next(secrets);
            secrets.beginRotation(s.name(), to.user(), to.secret());
            Move move = new Move(s, from, to);
            say.accept((resumed.isPresent() ? "resuming " : "rotating ") + move.describe() + " (a fresh password for " + to.user() + ")");
            audit("start " + move.describe());
            moves.add(move);
            apply(storage, open(move), s.name() + ": " + to.user() + " logs in beside " + from.user());
        }

        Application moved = application;
        Application back = application;
        for (Move m : moves) {
            moved = moved.using(m.service().pair(), m.to());
            back = back.using(m.service().pair(), m.from());
        }
        for (RollingUpgrade.AppNode n : nodes) {
            Target target = new Target(site, n.node(), null);
            List<FileOp> settings = moved.settings(target);
            if (plan(n.host(), settings).isEmpty()) {
                say.accept(n.node().name() + ": uses the new account(s) already");
                continue;
            }
            Optional<String> problem = rolling.whileDrained(lb, n, "new credentials", (node, activity) -> {
                activity.step("writing the settings and password files, restarting " + NodeLayout.APP_SERVICE);
                apply(node.host(), settings, node.node().name() + ": settings");
                return restart(node);
            }, health, Optional.empty());
            if (problem.isPresent()) {
                List<FileOp> old = back.settings(target);
                Optional<String> restored = rolling.whileDrained(lb, n, "back to the old credentials", (node, activity) -> {
                    apply(node.host(), old, node.node().name() + ": settings");
                    return restart(node);
                }, health, Optional.empty());
                audit("failed on " + n.node().name() + ": " + problem.get());
                throw new RemoteException(n.node().name(), Failure.COMMAND_FAILED, "with the new credentials: " + problem.get() + "; "
                        + restored.map(r -> "it did NOT come back on the old ones either: " + r).orElse("it is back on the old ones")
                        + ". The old accounts still log in; oth secrets rotate resumes the rotation");
            }
            say.accept(n.node().name() + ": uses " + String.join(", ", moves.stream().map(m -> m.to().user() + " (" + m.service().name() + ")").toList()));
        }

        List<String> done = new ArrayList<>();
        for (Move m : moves) {
            secrets.finishRotation(m.service().name());
            apply(storage, close(m), m.service().name() + ": " + m.from().user() + " locked");
            audit("done " + m.describe());
            done.add(m.service().name() + ": the application uses " + m.to().user() + " with a new password; " + m.from().user() + " no longer logs in");
        }
        return done;
    }

    /**
     * The services' own secrets, one service at a time, each with the restart it needs (the
     * application's checks of that service fail while it restarts: not part of a rotation without
     * downtime, hence its own flag). RabbitMQ: stopped with the Erlang cookie it runs with, the new
     * cookie written (0400, rabbitmq's), started; then oth's administrator gets a new password. MinIO:
     * its environment file gets new root credentials and it restarts; oth then logs in with them.
     * A re-run starts over with fresh values, from whatever state a killed run left.
     */
    public List<String> rotateServiceSecrets(Set<Service> services) throws RemoteException, SecretsException, IOException {
        List<String> done = new ArrayList<>();
        if (services.contains(Service.broker) && site.storage().broker().isLocal()) {
            Host storage = storageHost();
            InitSystem init = initOf(storage);
            audit("start broker: Erlang cookie");
            say.accept("[" + storage.name() + "] RabbitMQ: stopping, writing a new Erlang cookie, starting (the application's broker checks fail meanwhile)");
            // As install's own restart of RabbitMQ does: the daemons keep none of this session's descriptors, and epmd starts afresh.
            CommandResult stopped = storage.run(Command.shell("{ " + init.stop(BROKER_SERVICE) + "; } </dev/null >/dev/null 2>&1; epmd -kill >/dev/null 2>&1;"
                    + " sleep 1; ! { " + BrokerAccessOp.SERVER_ALIVE + "; }"), Duration.ofMinutes(2));
            if (!stopped.ok()) {
                throw new RemoteException(storage.name(), Failure.COMMAND_FAILED, "RabbitMQ did not stop: " + stopped.diagnostic() + "; its cookie was not changed");
            }
            // Only now, with RabbitMQ stopped: a run killed before this leaves the old cookie on both sides, one killed
            // after it a stopped RabbitMQ that oth install starts with the new cookie (no CLI has to reach the old node).
            secrets.rotate(AppAccounts.BROKER_COOKIE_SECRET);
            // The cookie as install writes it; an epmd that outlived the stop may still hold the node's name: the start would then fail.
            apply(storage, List.of(Broker.cookie(secrets.getOrCreate(AppAccounts.BROKER_COOKIE_SECRET)), Broker.leftovers(init)),
                    "broker: the new cookie, and what the stopped RabbitMQ left");
            CommandResult started = storage.run(Command.shell("{ " + init.start(BROKER_SERVICE) + "; } </dev/null >/dev/null 2>&1; "
                    + init.isRunning(BROKER_SERVICE)), Duration.ofMinutes(3));
            if (!started.ok()) {
                throw new RemoteException(storage.name(), Failure.COMMAND_FAILED, "RabbitMQ did not start with its new cookie: " + started.diagnostic()
                        + "; oth install starts it again");
            }
            secrets.rotate(AppAccounts.BROKER_ADMIN_SECRET);
            AppAccounts.Account app = AppAccounts.BROKER_ACCOUNTS.active(secrets);
            apply(storage, List.of(broker(List.of(app), AppAccounts.BROKER_ACCOUNTS.retired(secrets).map(AppAccounts.Account::user).stream().toList())),
                    "broker: oth's administrator");
            audit("done broker: Erlang cookie and oth's administrator");
            done.add("broker: RabbitMQ runs with a new Erlang cookie; oth's administrator has a new password");
        }
        if (services.contains(Service.objects) && site.storage().objects().isLocal()) {
            Host storage = storageHost();
            InitSystem init = initOf(storage);
            secrets.rotate(AppAccounts.OBJECTS_ROOT_SECRET);
            audit("start objects: MinIO's root credentials");
            say.accept("[" + storage.name() + "] MinIO: new root credentials in its environment file, restarting (the application's object checks fail meanwhile)");
            Target target = new Target(site, storageNode(), new HostFacts(storageNode().name(), init, null, 0, false, List.of()));
            List<Phase> phases = new InstallPhases(inputs, InstallPlaybook.load(), playbooks, Duration.ZERO).phases();
            apply(storage, phase(phases, "objects").operations(target), "objects: MinIO's environment");
            apply(storage, phase(phases, "objects-accounts").operations(target), "objects: the application's key");
            audit("done objects: MinIO's root credentials");
            done.add("objects: MinIO runs with new root credentials, which oth uses");
        }
        return done;
    }

    private static InitSystem initOf(Host host) throws RemoteException {
        return InitSystem.parse(host.run(Command.shell(InitSystem.PROBE), PROBE_TIMEOUT).stdout().strip())
                .orElseThrow(() -> new RemoteException(host.name(), Failure.FACT_REFUSED, "its init system is neither systemd nor sysv"));
    }

    private boolean isLocal(Service s) {
        return switch (s) {
            case database -> site.storage().database().isLocal();
            case broker -> site.storage().broker().isLocal();
            case objects -> site.storage().objects().isLocal();
        };
    }

    private static String external(Service s) {
        return switch (s) {
            case database -> "external.database.password";
            case broker -> "external.broker.password";
            case objects -> "external.objects.secret_key";
        };
    }

    /** The operations that let both accounts of {@code m} log in: the new one with its fresh password. */
    private List<Operation> open(Move m) throws SecretsException {
        return switch (m.service()) {
            case database -> List.of(new DatabaseAccessOp(AppAccounts.DATABASE, List.of(login(m.from()), login(m.to())), List.of(), appAddresses));
            case broker -> List.of(broker(List.of(m.from(), m.to()), List.of()));
            case objects -> List.of(objects(m.from()), objects(m.to()));
        };
    }

    /** The operations that leave only the new account of {@code m} able to log in. */
    private List<Operation> close(Move m) throws SecretsException {
        return switch (m.service()) {
            case database -> List.of(new DatabaseAccessOp(AppAccounts.DATABASE, List.of(login(m.to())), List.of(m.from().user()), appAddresses));
            case broker -> List.of(broker(List.of(m.to()), List.of(m.from().user())));
            case objects -> List.of(objects(m.to()), new MinioRetiredUserOp(minio(), m.from().user(), storageInit));
        };
    }

    /** RabbitMQ's accounts with {@code apps} able to log in and {@code retired} deleted, through its management API as oth's administrator. */
    private BrokerAccessOp broker(List<AppAccounts.Account> apps, List<String> retired) throws SecretsException {
        List<BrokerAccessOp.Login> logins = new ArrayList<>();
        for (AppAccounts.Account a : apps) {
            logins.add(new BrokerAccessOp.Login(a.user(), secrets.getOrCreate(a.secret())));
        }
        return new BrokerAccessOp(AppAccounts.BROKER_VHOST, logins, retired, AppAccounts.BROKER_ADMIN, secrets.getOrCreate(AppAccounts.BROKER_ADMIN_SECRET),
                Optional.of(new BrokerAccessOp.Management(storageNode().address(), ports.managementTls(), inputs.ca().rootCertificate())));
    }

    /** MinIO's key {@code account} with its secret, the application's bucket and policy. */
    private MinioAccessOp objects(AppAccounts.Account account) throws SecretsException {
        return new MinioAccessOp(minio(), AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY, account.user(), secrets.getOrCreate(account.secret()), storageInit);
    }

    private MinioAccessOp.Endpoint minio() throws SecretsException {
        return new MinioAccessOp.Endpoint(storageNode().address(), ports.minio(), inputs.ca().rootCertificate(), AppAccounts.OBJECTS_ROOT,
                secrets.getOrCreate(AppAccounts.OBJECTS_ROOT_SECRET));
    }

    private DatabaseAccessOp.Login login(AppAccounts.Account account) throws SecretsException {
        return new DatabaseAccessOp.Login(account.user(), secrets.getOrCreate(account.secret()));
    }

    private Node storageNode() {
        return site.nodesWithRole(Role.STORAGE).stream().findFirst().orElseThrow(() -> new IllegalStateException("the site has no storage node"));
    }

    private Host storageHost() throws RemoteException {
        Fleet.Reach reach = fleet.reaches().stream().filter(r -> r.node().role().equals(Role.STORAGE)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the site has no storage node"));
        return reach.host().orElseThrow(() -> reach.failure().orElseThrow());
    }

    private Optional<String> restart(RollingUpgrade.AppNode node) throws RemoteException {
        CommandResult r = node.host().run(Command.shell(node.init().restart(NodeLayout.APP_SERVICE)), Duration.ofMinutes(1));
        return r.ok() ? Optional.empty() : Optional.of("restarting " + NodeLayout.APP_SERVICE + " failed: " + r.diagnostic());
    }

    /** What {@code ops} would change on {@code host}, from its facts read now. */
    private static List<Change> plan(Host host, List<? extends Operation> ops) throws RemoteException {
        List<Probe> probes = Probe.distinct(ops.stream().flatMap(o -> o.probes().stream()).toList());
        Map<String, Probe.Answer> probed = probes.isEmpty() ? Map.of() : Probe.parseAll(host.name(), host.run(Command.shell(Probe.script(probes)), PROBE_TIMEOUT).stdout(), probes);
        // Each operation plans from its own reads: two of one kind (both accounts of a pair) read under the same keys.
        List<Map<String, Probe.Answer>> read = new ArrayList<>();
        for (Operation op : ops) {
            Map<String, Probe.Answer> answers = new HashMap<>(probed);
            answers.putAll(op.read(host, probed));
            read.add(answers);
        }
        Set<String> notified = new HashSet<>();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            ops.get(i).plan(read.get(i), notified).ifPresent(c -> {
                changes.add(c);
                notified.addAll(c.notifies());
            });
        }
        return changes;
    }

    /** Plans {@code ops} on {@code host} and applies the plan, saying each change (never a secret: summaries only). */
    private void apply(Host host, List<? extends Operation> ops, String what) throws RemoteException {
        List<Change> changes = plan(host, ops);
        ApplyContext context = new ApplyContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public HostConnection reconnect() throws RemoteException {
                throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "a rotation does not reconnect");
            }

            @Override
            public Consumer<String> log() {
                return line -> say.accept("[" + host.name() + "] " + line);
            }
        };
        for (Change c : changes) {
            say.accept("[" + host.name() + "] " + c.summary());
            c.apply(context);
        }
        if (changes.isEmpty()) {
            say.accept("[" + host.name() + "] " + what + ": already so");
        }
    }

    private void audit(String what) throws IOException {
        PrivateFiles.append(StateDir.of(site.name()).resolve("rotation.log"), clock.instant() + " " + what);
    }

    /** The services {@code --service} names, {@code all} for every one. */
    public static Set<Service> parse(List<String> names) {
        Set<Service> chosen = new java.util.TreeSet<>();
        for (String name : names) {
            if (name.equals("all")) {
                chosen.addAll(List.of(Service.values()));
            } else {
                try {
                    chosen.add(Service.valueOf(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--service " + name + ": not a service (expected all, "
                            + String.join(", ", java.util.Arrays.stream(Service.values()).map(Enum::name).toList()) + ")");
                }
            }
        }
        return chosen;
    }
}
