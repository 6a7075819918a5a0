package io.oth.install;

import io.oth.site.Role;
import io.oth.site.ServicePorts;

import io.oth.ca.CaException;
import io.oth.ca.SiteCa;
import io.oth.cert.BundleCheck;
import io.oth.cert.BundleReport;
import io.oth.install.offline.OfflineBundle;
import io.oth.fleet.FleetConnector;
import io.oth.lock.LockClaim;
import io.oth.phase.Journal;
import io.oth.phase.FactsCache;
import io.oth.phase.HostFacts;
import io.oth.phase.ProbesAhead;
import io.oth.phase.PhaseRunner;
import io.oth.phase.RunReport;
import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.AppAccounts;
import io.oth.site.LocalServices;
import io.oth.site.Node;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.StateDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;

/**
 * {@code oth install}: checks every input on the operator's side first (nothing is uploaded when
 * one is wrong), then connects through the bastion and runs the install phases.
 */
public final class Installer {
    /** The last step of an install, after the phases: as the status line and the phases' times name it. */
    private static final String SITE_ANSWERS = "site-answers";

    /**
     * Everything an install uploads, read and checked before any connection is made, and the
     * site's CA and secrets on the operator's side.
     *
     * @param rotate services whose certificates are to be replaced now ({@code oth certs rotate})
     */
    public record Inputs(Site site, byte[] certificatePem, BundleReport certificate, ReleaseBundle release, ProgramBundle traefik,
                         Optional<ProgramBundle> minio, SiteCa ca, Secrets secrets, Set<String> rotate, Clock clock,
                         Optional<OfflineBundle> offline) {

        public Inputs(Site site, byte[] certificatePem, BundleReport certificate, ReleaseBundle release, ProgramBundle traefik,
                      Optional<ProgramBundle> minio, SiteCa ca, Secrets secrets, Set<String> rotate, Clock clock) {
            this(site, certificatePem, certificate, release, traefik, minio, ca, secrets, rotate, clock, Optional.empty());
        }

        /** A site secret, made the first time it is needed and kept 0600 in the site's secrets file. */
        public Secret secret(String name) {
            try {
                return secrets.getOrCreate(name);
            } catch (SecretsException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** A site secret that is a key of some format, made by {@code maker} the first time it is needed. */
        public Secret secret(String name, java.util.function.Function<java.security.SecureRandom, Secret> maker) {
            try {
                return secrets.getOrCreate(name, maker);
            } catch (SecretsException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** The account of {@code pair} the application uses, as the site's secrets record it. */
        public AppAccounts.Account account(AppAccounts.Pair pair) {
            return pair.active(secrets);
        }

        /** The account of {@code pair} that must not log in now (none while a rotation is under way). */
        public Optional<AppAccounts.Account> retired(AppAccounts.Pair pair) {
            return pair.retired(secrets);
        }

        /** A credential the operator gave for an external service; {@link #prepare} made sure there is one. */
        public Secret external(ExternalSecret name) {
            return name.resolve(secrets, System::getenv).orElseThrow(() -> new IllegalStateException(name.missing()));
        }

        /**
         * These inputs with the site's CA and secrets kept in its state directory, created where
         * missing: what an install that changes the nodes uses, after every check has passed.
         */
        public Inputs saved() throws InputException {
            Path state = StateDir.of(site.name());
            try {
                return new Inputs(site, certificatePem, certificate, release, traefik, minio, SiteCa.openOrCreate(state.resolve("ca"), site.name(), clock),
                        Secrets.open(state.resolve("secrets.yml")), rotate, clock, offline);
            } catch (CaException e) {
                throw new InputException(List.of("site CA in " + state.resolve("ca") + ": " + e.getMessage()));
            } catch (SecretsException e) {
                throw new InputException(List.of("site secrets: " + e.getMessage()));
            }
        }

        public Inputs rotating(Set<String> services) {
            return new Inputs(site, certificatePem, certificate, release, traefik, minio, ca, secrets, Set.copyOf(services), clock, offline);
        }
    }

    /** Inputs that cannot be installed: every problem, each naming its file. */
    public static final class InputException extends Exception {
        private final List<String> problems;

        InputException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads and checks everything an install needs, and writes nothing: the site's CA and secrets
     * are read as they are, and what is missing is made in memory only. That is enough for a plan
     * ({@code install --check}); a run that changes the site makes them last with {@link Inputs#saved()},
     * once it holds the site's lock.
     */
    public static Inputs prepare(Site site, Clock clock) throws InputException {
        return prepare(site, clock, Optional.empty());
    }

    /** An offline bundle given to install, and the manifest sha256 the operator received with it (out of band). */
    public record Offline(Path file, Optional<String> manifestSha256) {
    }

    /** The offline bundle read and checked whole, with every package each role of {@code site} needs; refused naming what is wrong. */
    public static OfflineBundle offlineBundle(Site site, Offline offline) throws InputException {
        OfflineBundle bundle;
        try {
            bundle = OfflineBundle.read(offline.file(), offline.manifestSha256());
        } catch (ReleaseBundle.BundleException e) {
            throw new InputException(List.of(e.getMessage()));
        }
        InstallPlaybook playbook = InstallPlaybook.load();
        Map<String, List<String>> needs = new TreeMap<>();
        site.nodes().forEach(n -> needs.computeIfAbsent(n.role(), role -> playbook.packagesFor(site, role)));
        List<String> lacking = bundle.missing(needs);
        if (!lacking.isEmpty()) {
            throw new InputException(lacking);
        }
        return bundle;
    }

    /**
     * Like {@link #prepare(Site, Clock)}; with an offline bundle, the bundle is checked whole first
     * (every entry, every checksum, every package each of the site's roles needs), and its release,
     * traefik and MinIO bundles replace the site file's.
     */
    public static Inputs prepare(Site site, Clock clock, Optional<Offline> offlineFile) throws InputException {
        List<String> problems = new ArrayList<>();
        Optional<OfflineBundle> offline = offlineFile.isPresent() ? Optional.of(offlineBundle(site, offlineFile.get())) : Optional.empty();
        byte[] pem = null;
        BundleReport report = null;
        Optional<Path> bundle = site.certificateBundle();
        if (bundle.isEmpty()) {
            problems.add(site.file() + ": certificate.bundle: missing (install needs the PEM bundle: key, server certificate, intermediate, root)");
        } else {
            report = BundleCheck.check(bundle.get(), site.fqdn(), clock);
            report.errors().forEach(f -> problems.add(f.toString()));
            if (!report.hasErrors()) {
                try {
                    pem = Files.readAllBytes(bundle.get());
                } catch (IOException e) {
                    problems.add(bundle.get() + ": cannot read: " + e.getMessage());
                }
            }
        }
        ReleaseBundle release = null;
        ProgramBundle traefik = null;
        Optional<ProgramBundle> minio = Optional.empty();
        if (offline.isPresent()) {
            release = offline.get().release();
            traefik = offline.get().traefik();
            minio = offline.get().minio();
            if (site.storage().objects().isLocal() && minio.isEmpty()) {
                problems.add(offline.get().file() + ": no MinIO bundle (storage.objects is local): make the bundle again with application.minio in the site file");
            }
        } else {
            try {
                release = ReleaseBundle.ofSite(site);
            } catch (ReleaseBundle.BundleException e) {
                problems.add(e.getMessage());
            }
            try {
                traefik = ProgramBundle.read(site.application().traefik().orElseThrow(() ->
                        new ReleaseBundle.BundleException(site.file() + ": application.traefik: missing (the traefik release bundle)")), ProgramBundle.TRAEFIK);
            } catch (ReleaseBundle.BundleException e) {
                problems.add(e.getMessage());
            }
            if (site.storage().objects().isLocal()) {
                try {
                    minio = Optional.of(ProgramBundle.read(site.application().minio().orElseThrow(() -> new ReleaseBundle.BundleException(site.file()
                            + ": application.minio: missing (the MinIO release bundle; storage.objects is local)")), ProgramBundle.MINIO));
                } catch (ReleaseBundle.BundleException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        SiteCa ca = null;
        Secrets secrets = null;
        Path state = StateDir.of(site.name());
        try {
            ca = SiteCa.unsaved(state.resolve("ca"), site.name(), clock);
        } catch (CaException e) {
            problems.add("site CA in " + state.resolve("ca") + ": " + e.getMessage());
        }
        try {
            secrets = Secrets.unsaved(state.resolve("secrets.yml"));
        } catch (SecretsException e) {
            problems.add("site secrets: " + e.getMessage());
        }
        if (secrets != null) {
            for (ExternalSecret needed : site.storage().externalSecrets()) {
                if (needed.resolve(secrets, System::getenv).isEmpty()) {
                    problems.add(site.file() + ": " + needed.missing());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException(problems);
        }
        return new Inputs(site, pem, report, release, traefik, minio, ca, secrets, Set.of(), clock, offline);
    }

    /**
     * Runs the install (or, with {@code check}, only plans it). Throws when the bastion cannot be
     * used, or when {@code claim} (the run that holds the site's lock, for a run that changes the
     * nodes) cannot take the lock on every node within its wait.
     */
    public static RunReport install(Inputs inputs, FleetConnector connector, boolean check, Optional<LockClaim> claim, Duration firewallRevert,
                                    PrintWriter log) throws RemoteException {
        return install(inputs, connector, check, false, claim, firewallRevert, log);
    }

    /** Like {@link #install(Inputs, FleetConnector, boolean, Optional, Duration, PrintWriter)}; {@code verbose} also says why each no-op is one. */
    public static RunReport install(Inputs inputs, FleetConnector connector, boolean check, boolean verbose, Optional<LockClaim> claim,
                                    Duration firewallRevert, PrintWriter log) throws RemoteException {
        Site site = inputs.site();
        if (LocalServices.runsLocally(site, "objects")) {
            Thread warm = new Thread(MinioAccessOp::warmUp, "oth-warm-up-minio");
            warm.setDaemon(true);
            warm.start();
        }
        Playbooks network = Playbooks.load();
        List<io.oth.phase.Phase> phases = new InstallPhases(inputs, InstallPlaybook.load(), network, firewallRevert).phases();
        // The nodes' facts are read in the session that takes each node's lock, and so are every phase's
        // probes, planned from the facts the node gave the last run: a no-op is one round trip per node.
        String facts = claim.isPresent() ? HostFacts.script(!check, NodeLayout.UNPACK_ROOTS) : "";
        ProbesAhead ahead = claim.isPresent() ? new ProbesAhead(site, phases, FactsCache.in(StateDir.of(site.name()))) : ProbesAhead.NONE;
        try (Fleet fleet = connector.connect(site, site.nodes(), claim, line -> say(log, line), node -> facts.isEmpty() ? "" : facts + ahead.script(node))) {
            PhaseRunner.Reconnector reconnect = node -> connector.connectOne(site, node);
            // Only the load balancer has a step left after the phases (the site's check): every other node's
            // lock goes back as soon as that node's own phases are done, beside the slower nodes' phases.
            List<String> done = site.nodes().stream().filter(n -> !n.role().equals(Role.LB)).map(Node::name).toList();
            RunReport report = new PhaseRunner(site, fleet, check, Journal.forSite(site.name()), reconnect, log, connector.concurrency())
                    .verbose(verbose).unpackRoots(NodeLayout.UNPACK_ROOTS).debugLog(connector.debugLog()).progress(connector.progress())
                    .ahead(ahead).releasing(done).run(phases);
            if (check || report.failed()) {
                return report;
            }
            return awaitHealthy(inputs, ServicePorts.of(network).https(), fleet, report, log, connector.progress());
        }
    }

    private static void say(PrintWriter log, String line) {
        synchronized (log) {
            log.println(line);
            log.flush();
        }
    }

    /**
     * The install is done when the site answers: HTTPS on the load balancer, through haproxy and
     * traefik, to the application's health endpoint on some app node.
     */
    private static RunReport awaitHealthy(Inputs inputs, int https, Fleet fleet, RunReport report, PrintWriter log, Progress progress)
            throws RemoteException {
        Site site = inputs.site();
        Fleet.Reach lb = fleet.reaches().stream().filter(r -> r.node().role().equals(Role.LB)).findFirst().orElseThrow();
        String url = "https://" + site.fqdn() + ":" + https + inputs.release().health();
        String resolve = " --resolve " + site.fqdn() + ":" + https + ":127.0.0.1 -k ";
        String curl = "curl -fsS -o /dev/null --max-time 2 -H " + Command.quote(ReleaseBundle.NO_CACHE) + resolve + Command.quote(url);
        String wait = "for i in $(seq 120); do " + curl + " 2>/dev/null && exit 0; sleep 0.5; done; " + curl;
        long start = System.nanoTime();
        CommandResult r;
        try (Progress.Activity answering = progress.start(lb.node().name(), SITE_ANSWERS);
             Waiting waiting = answering.waitFor("the site to answer " + url + " through haproxy and traefik")) {
            r = lb.host().orElseThrow().run(Command.shell(wait), Duration.ofSeconds(90));
        }
        report = report.timed(new RunReport.PhaseTime(SITE_ANSWERS, lb.node().name(), Duration.ofNanos(System.nanoTime() - start)));
        synchronized (log) {
            log.printf("== The site answers%n[%s] %s %s%n", lb.node().name(), url, r.ok() ? "answers 200 through haproxy and traefik"
                    : "does not answer after 60 s: " + r.diagnostic());
        }
        return r.ok() ? report : report.withFailure(lb.node().name(), "the site does not answer " + url + ": " + r.diagnostic(), Failure.COMMAND_FAILED);
    }

}
