package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.concurrent.Deadline;
import io.oth.site.Role;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.ServicePorts;
import io.oth.site.Site;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * Checks made from an app node's point of view through SSH port forwards: the traffic leaves the
 * app node, so the services see its address, exactly as they see the application. The application's
 * own accounts log in (service.*), and the chain haproxy serves is fetched (certs.served).
 */
final class ForwardChecks {
    /** One storage service: its check id, port, and how to log in to it. */
    private record Service(String id, String name, int port, Login login) {
    }

    @FunctionalInterface
    private interface Login {
        String run(ServiceLogin login, int localPort) throws Exception;
    }

    private final Site site;
    private final Playbooks playbooks;
    private final java.time.Clock clock;
    private final java.util.function.Supplier<Optional<SiteCa>> siteCa;
    private final Optional<Secrets> secrets;
    private final Duration timeout;
    private final ExecutorService executor;
    /**
     * How many checks through forwards run at once. Each is a TLS session made by this JVM through
     * an SSH channel: at 10 app nodes, 40 of them at once would share this machine's cores with
     * everything else doctor does, and run out of their time while waiting for one. Each also
     * waits on round trips through two SSH connections for much of its time, so a few per core
     * keep the cores busy: at 10 app nodes on 2 cores, 8 at once took doctor from 2.8 s to 2.4 s
     * (4 at once left the last logins running alone after every node's probes had answered), and
     * 16 gained nothing more.
     */
    private final Semaphore slots = new Semaphore(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
    private ServiceLogin logins;

    /** {@code siteCa}: the site CA when this machine has one (asked for only when a login needs it). */
    ForwardChecks(Site site, Playbooks playbooks, java.time.Clock clock, java.util.function.Supplier<Optional<SiteCa>> siteCa, Optional<Secrets> secrets, Duration timeout, ExecutorService executor) {
        this.site = site;
        this.playbooks = playbooks;
        this.clock = clock;
        this.siteCa = siteCa;
        this.secrets = secrets;
        this.timeout = timeout;
        this.executor = executor;
    }

    static List<CheckInfo> checks() {
        List<String> app = List.of(Vantage.APP);
        return List.of(
                new CheckInfo("service.database", "the application's account logs in to MariaDB over TLS from the site CA", app),
                new CheckInfo("service.broker", "the application's account opens a channel on RabbitMQ over AMQPS, a message goes there and back", app),
                new CheckInfo("service.objects", "the application's key reaches its MinIO bucket over TLS", app),
                new CheckInfo("certs.served", "the chain haproxy serves: order, chain, name and expiry", app));
    }

    /** Whether check {@code id} runs from an app node through a forward (and not in its probe script). */
    static boolean runsThroughForwards(String id) {
        return checks().stream().anyMatch(c -> c.id().equals(id));
    }

    /** The service logins from {@code node}, each on its own thread. */
    List<CompletableFuture<Finding>> services(Node node, Host host) {
        Optional<Node> storage = site.nodesWithRole(Role.STORAGE).stream().findFirst();
        List<CompletableFuture<Finding>> checks = new ArrayList<>();
        if (storage.isEmpty()) {
            return checks;
        }
        for (Service service : localServices()) {
            String target = Addresses.hostPort(storage.get().address(), service.port());
            checks.add(CompletableFuture.supplyAsync(() -> inSlot(() -> login(node, host, storage.get(), service, target)), executor));
        }
        return checks;
    }

    /**
     * {@code failed} (a login from {@code node}) tried once more, when it failed: the first try ran
     * while every node was being checked. A second try that works says that the first did not.
     */
    Finding again(Node node, Host host, Finding failed) {
        if (failed.verdict() != Verdict.FAIL) {
            return failed;
        }
        Optional<Node> storage = site.nodesWithRole(Role.STORAGE).stream().findFirst();
        Optional<Service> service = localServices().stream().filter(s -> s.id().equals(failed.id())).findFirst();
        if (storage.isEmpty() || service.isEmpty()) {
            return failed;
        }
        return secondTry(failed, inSlot(() -> login(node, host, storage.get(), service.get(), failed.target())));
    }

    /** The second try's finding, saying that a first one failed when the second did not. */
    static Finding secondTry(Finding first, Finding second) {
        if (second.verdict() == Verdict.FAIL || first.verdict() != Verdict.FAIL) {
            return second;
        }
        return new Finding(second.id(), second.vantage(), second.target(), second.verdict(),
                second.cause() + " (on a second try; the first, beside every other check: " + first.cause() + ")", second.hint());
    }

    /** {@link #secondTry(Finding, Finding)} for lists of findings of the same targets, in the same order. */
    static List<Finding> secondTry(List<Finding> first, List<Finding> second) {
        if (first.size() != second.size()) {
            return second;
        }
        List<Finding> merged = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            merged.add(secondTry(first.get(i), second.get(i)));
        }
        return merged;
    }

    /** certs.served from {@code node}: the chain haproxy serves, reached from the app node. */
    CompletableFuture<List<Finding>> served(Node node, Host host) {
        Node lb = site.nodesWithRole(Role.LB).get(0);
        String address = lb.publicAddress().orElse(lb.address());
        int https = ServicePorts.of(playbooks).https();
        String target = Addresses.hostPort(address, https);
        return CompletableFuture.supplyAsync(() -> inSlot(() -> {
            try (Forward forward = host.forward(address, https)) {
                try {
                    return Certificates.served(node.name(), target, ServedChain.fetch("127.0.0.1", forward.localPort(), site.fqdn(), timeout), site.fqdn(), clock);
                } catch (IOException e) {
                    if (forward.refusal().isPresent()) {
                        return List.of(refused("certs.served", node, target, forward.refusal().get()));
                    }
                    throw e;
                }
            } catch (RemoteException | IOException e) {
                return List.of(new Finding("certs.served", node.name(), target, Verdict.FAIL, "no TLS handshake: " + ServiceLogin.reason(e),
                        "is haproxy running on " + lb.name() + ", and does " + node.name() + " reach " + target + "? (see ports and dns.fqdn)"));
            }
        }), executor);
    }

    /** Runs {@code check} in one of the {@link #slots}; its own timeouts start when it does. */
    private <T> T inSlot(java.util.function.Supplier<T> check) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        }
        try {
            return check.get();
        } finally {
            slots.release();
        }
    }

    private List<Service> localServices() {
        List<Service> services = new ArrayList<>();
        if (site.storage().database().isLocal()) {
            services.add(new Service("service.database", "MariaDB", port("database"), (login, port) -> login.database(port, AppAccounts.DATABASE,
                    active(AppAccounts.DATABASE_ACCOUNTS).user(), secret(active(AppAccounts.DATABASE_ACCOUNTS).secret()))));
        }
        if (site.storage().broker().isLocal()) {
            services.add(new Service("service.broker", "RabbitMQ", port("broker"), (login, port) -> login.broker(port, AppAccounts.BROKER_VHOST,
                    active(AppAccounts.BROKER_ACCOUNTS).user(), secret(active(AppAccounts.BROKER_ACCOUNTS).secret()))));
        }
        if (site.storage().objects().isLocal()) {
            services.add(new Service("service.objects", "MinIO", port("objects"), (login, port) -> login.objects(port, AppAccounts.OBJECTS_BUCKET,
                    active(AppAccounts.OBJECTS_ACCOUNTS).user(), secret(active(AppAccounts.OBJECTS_ACCOUNTS).secret()))));
        }
        return services;
    }

    private int port(String service) {
        return PortMatrixCheck.firstPort(playbooks.roles().get(Vantage.STORAGE), service);
    }

    private Finding login(Node node, Host host, Node storage, Service service, String target) {
        Optional<SiteCa> ca = siteCa.get();
        if (ca.isEmpty() || secrets.isEmpty()) {
            return new Finding(service.id(), node.name(), target, Verdict.SKIP, "no site CA and secrets on this machine yet",
                    "run oth doctor where oth install ran (they are in its state directory)");
        }
        // The login as a whole gets the timeout. Each client bounds each of its steps by it (the
        // connection, the TLS handshake, the protocol's own), so a service that takes the connection
        // and never answers would otherwise be waited for once per step.
        try (Forward forward = host.forward(storage.address(), service.port());
             Deadline deadline = Deadline.after(timeout, forward::close)) {
            try {
                return Finding.ok(service.id(), node.name(), target, service.login().run(logins(ca.get(), storage), forward.localPort()));
            } catch (MissingSecret e) {
                return new Finding(service.id(), node.name(), target, Verdict.SKIP, "the site's secrets have no " + e.getMessage() + " yet",
                        "oth install creates the application's accounts");
            } catch (Exception e) {
                if (deadline.passed()) {
                    return timedOut(node, storage, service, target, "the login had not finished");
                }
                return forward.refusal().map(r -> refused(service.id(), node, target, r)).orElseGet(() -> failed(node, storage, service, target, e));
            }
        } catch (RemoteException e) {
            return failed(node, storage, service, target, e);
        }
    }

    /** The node's sshd would not forward: its refusal, not the service's. */
    private static Finding refused(String id, Node node, String target, RemoteException refusal) {
        return new Finding(id, node.name(), target, Verdict.FAIL, refusal.getMessage(), refusal.failure().hint());
    }

    /** The one {@link ServiceLogin} all logins of this run share. */
    private synchronized ServiceLogin logins(SiteCa ca, Node storage) throws java.security.GeneralSecurityException {
        if (logins == null) {
            logins = new ServiceLogin(ca.rootCertificate(), ca.rootPem(), storage.address(), timeout);
        }
        return logins;
    }

    private Finding failed(Node node, Node storage, Service service, String target, Exception e) {
        String reason = ServiceLogin.reason(e);
        String rotate = "oth certs status; oth certs rotate --service " + service.name().toLowerCase(java.util.Locale.ROOT);
        return switch (ServiceLogin.trouble(e)) {
            case TLS -> new Finding(service.id(), node.name(), target, Verdict.FAIL, "TLS handshake or verification failed: " + reason,
                    service.name() + " must serve a certificate from this site's CA that names " + storage.address() + ": " + rotate);
            case AUTHENTICATION -> new Finding(service.id(), node.name(), target, Verdict.FAIL,
                    service.name() + " refused the application's login from " + node.name() + " (" + node.address() + "): " + reason,
                    "the account or its password no longer matches the site's secrets: oth install sets them again");
            case CONNECTION -> new Finding(service.id(), node.name(), target, Verdict.FAIL, "the connection was closed: " + reason,
                    "is " + service.name() + " running on " + storage.name() + ", and does " + node.name() + " reach " + target + "? (see ports.app-storage)");
            case TIMEOUT -> timedOut(node, storage, service, target, ServiceLogin.timedOut(e));
            case OTHER -> new Finding(service.id(), node.name(), target, Verdict.FAIL, "failed: " + reason,
                    "check " + service.name() + "'s log on " + storage.name());
        };
    }

    private Finding timedOut(Node node, Node storage, Service service, String target, String how) {
        return new Finding(service.id(), node.name(), target, Verdict.FAIL, "no answer within " + timeout.toSeconds() + " s: " + how,
                "see ports.app-storage for " + target + "; a slow " + service.name() + " on " + storage.name() + " shows here too");
    }

    /** The account of {@code pair} the application uses, as the site's secrets record it. */
    private AppAccounts.Account active(AppAccounts.Pair pair) {
        return pair.active(secrets.orElseThrow());
    }

    private Secret secret(String name) throws MissingSecret {
        return secrets.orElseThrow().get(name).orElseThrow(() -> new MissingSecret(name));
    }

    /** A secret the site's secrets file does not have (yet). */
    private static final class MissingSecret extends Exception {
        MissingSecret(String name) {
            super(name);
        }
    }
}
