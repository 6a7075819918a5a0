package io.oth.upgrade;

import io.oth.install.LbToApp;
import io.oth.install.NodeLayout;
import io.oth.install.ReleaseBundle;
import io.oth.install.phase.LoadBalancer;
import io.oth.op.InitSystem;
import io.oth.op.UnpackOp;
import io.oth.phase.Rollback;
import io.oth.concurrent.Parallel;
import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.site.Role;
import io.oth.site.Addresses;
import io.oth.site.ServicePorts;
import io.oth.site.Playbooks;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Moves the application nodes to another release one at a time, so that the site keeps answering:
 * each node is drained in haproxy (runtime API), switched, restarted, checked through traefik from
 * the load balancer (the path haproxy uses) and put back only when haproxy sees it up again. When
 * a node fails, it goes back to the release it ran, and so do the nodes already moved: the site
 * ends on one release either way. The new release is unpacked on every node before the first one
 * is touched, beside the old one, which stays for {@code --rollback}.
 */
public final class RollingUpgrade {
    static final String BACKEND = LoadBalancer.BACKEND;
    static final String ADMIN_SOCKET = "/run/haproxy/admin.sock";
    /** Where each node remembers the release it ran before the last switch, for {@code --rollback}. */
    static final String PREVIOUS = "/opt/oth-app/previous";
    /** A directory {@link NodeLayout#APP_RELEASES}VERSION, VERSION as a release bundle's manifest allows it. */
    private static final Pattern RELEASE_DIR = Pattern.compile(Pattern.quote(NodeLayout.APP_RELEASES) + "[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final int HEALTH_SECONDS = 60;
    /** How long the preflight waits for a node that is not healthy at once (seconds): a restart, not a broken node. */
    private static final int PREFLIGHT_WAIT = 20;
    private static final int HEALTHY_IN_A_ROW = 3;
    /** How long one round of health checks from the load balancer lasts before the node is asked whether the application still runs. */
    private static final int WINDOW_SECONDS = 5;
    /** How much of an unhealthy answer a message shows: enough to see which check failed. */
    private static final int HEALTH_SHOWN = 300;

    private final Site site;
    private final ServicePorts ports;
    private final Fleet fleet;
    private final Consumer<String> log;
    private final int concurrency;
    private final Progress progress;

    /** @param progress where each node's step and what it waits for are shown */
    public RollingUpgrade(Site site, Playbooks playbooks, Fleet fleet, Consumer<String> log, int concurrency, Progress progress) {
        this.site = site;
        this.ports = ServicePorts.of(playbooks);
        this.fleet = fleet;
        this.log = log;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    /** One app node: its host, its init system, the release directory it runs now and the one it ran before (if any). */
    public record AppNode(Node node, Host host, InitSystem init, String running, Optional<String> previous) {
        public String version() {
            return running.substring(running.lastIndexOf('/') + 1);
        }
    }

    /** Thrown when the upgrade stops; the message says where, why, and what the site runs now. */
    public static final class UpgradeException extends Exception {
        private final Failure failure;
        private final List<String> notes;

        UpgradeException(String message, Failure failure) {
            this(message, failure, List.of());
        }

        UpgradeException(String message, Failure failure, List<String> notes) {
            super(message);
            this.failure = failure;
            this.notes = List.copyOf(notes);
        }

        public Failure failure() {
            return failure;
        }

        /** Lines for the person after the message: what was left as it is and how to undo it. */
        public List<String> notes() {
            return notes;
        }
    }

    /** What each app node runs now, in site order; fails when a node cannot be reached or read. */
    public List<AppNode> survey() throws UpgradeException {
        List<Fleet.Reach> apps = fleet.reaches().stream().filter(r -> r.node().role().equals(Role.APP)).toList();
        List<Object> read = Parallel.map(apps, concurrency, reach -> {
            if (reach.host().isEmpty()) {
                return reach.failure().orElseThrow();
            }
            try (Progress.Activity surveying = progress.start(reach.node().name(), "survey")) {
                surveying.step("reading which release it runs");
                CommandResult r = reach.host().get().run(Command.shell(InitSystem.PROBE + "; readlink -f -- " + NodeLayout.APP_CURRENT
                        + "; if [ -L " + PREVIOUS + " ]; then readlink -f -- " + PREVIOUS + "; else echo; fi"), STEP);
                List<String> lines = r.stdout().lines().toList();
                String name = reach.node().name();
                if (!r.ok() || lines.size() < 2 || !lines.get(1).startsWith(NodeLayout.APP_RELEASES)) {
                    return new RemoteException(name, Failure.COMMAND_FAILED, "no installed release under "
                            + NodeLayout.APP_RELEASES + " (" + NodeLayout.APP_CURRENT + " -> " + (lines.size() > 1 ? NodeText.shown(lines.get(1)) : "nothing")
                            + "): run oth install first");
                }
                // What the node says it runs goes into commands and the health check: only a release directory oth could have made.
                Optional<InitSystem> init = InitSystem.parse(lines.get(0));
                if (init.isEmpty()) {
                    return new RemoteException(name, Failure.FACT_REFUSED, "init system " + NodeText.shown(lines.get(0)) + " is neither systemd nor sysv");
                }
                if (!RELEASE_DIR.matcher(lines.get(1)).matches()) {
                    return new RemoteException(name, Failure.FACT_REFUSED, NodeLayout.APP_CURRENT + " points at " + NodeText.shown(lines.get(1))
                            + ", not a release directory oth unpacks");
                }
                Optional<String> previous = lines.size() > 2 && !lines.get(2).isBlank() ? Optional.of(lines.get(2).strip()) : Optional.empty();
                if (previous.isPresent() && !RELEASE_DIR.matcher(previous.get()).matches()) {
                    return new RemoteException(name, Failure.FACT_REFUSED, PREVIOUS + " points at " + NodeText.shown(previous.get())
                            + ", not a release directory oth unpacks");
                }
                return new AppNode(reach.node(), reach.host().get(), init.get(), lines.get(1), previous);
            } catch (RemoteException e) {
                return e;
            }
        });
        List<AppNode> nodes = new ArrayList<>();
        for (Object o : read) {
            if (o instanceof RemoteException e) {
                throw new UpgradeException("preflight: " + e.getMessage() + "; nothing was changed", e.failure());
            }
            nodes.add((AppNode) o);
        }
        if (nodes.isEmpty()) {
            throw new UpgradeException("the site has no application nodes", Failure.COMMAND_FAILED);
        }
        return nodes;
    }

    /** The load balancer, which runs the health checks and haproxy's runtime API. */
    public Host loadBalancer() throws UpgradeException {
        Fleet.Reach lb = fleet.reaches().stream().filter(r -> r.node().role().equals(Role.LB)).findFirst()
                .orElseThrow(() -> new UpgradeException("the site has no load balancer", Failure.COMMAND_FAILED));
        if (lb.host().isEmpty()) {
            RemoteException e = lb.failure().orElseThrow();
            throw new UpgradeException("preflight: " + e.getMessage() + "; nothing was changed", e.failure());
        }
        return lb.host().get();
    }

    /**
     * Every app node answers through traefik now and haproxy has it up: an upgrade starts only from
     * a healthy site, or it could not tell what it broke.
     */
    public void preflight(Host lb, List<AppNode> nodes, String healthPath) throws UpgradeException {
        try {
            CommandResult api = lb.run(runtime("show info"), STEP);
            if (!api.ok() || !api.stdout().contains("Name: HAProxy")) {
                throw new UpgradeException("preflight: haproxy's runtime API (" + ADMIN_SOCKET + " through socat) does not answer on "
                        + lb.name() + " (" + api.diagnostic() + "); oth install sets it up. Nothing was changed", Failure.COMMAND_FAILED);
            }
        } catch (RemoteException e) {
            throw new UpgradeException("preflight: " + e.getMessage() + "; nothing was changed", e.failure());
        }
        for (AppNode n : nodes) {
            Optional<String> problem;
            try (Progress.Activity checking = progress.start(n.node().name(), "preflight")) {
                checking.step("health check through traefik, and haproxy's view");
                problem = healthyAndUp(lb, n, healthPath, 1, Progress.Activity.NONE);
                if (problem.isPresent()) {
                    // A node restarted moments ago (by hand, or by a run before this one) is given a little while, not refused at once.
                    log.accept("preflight: " + n.node().name() + " is not healthy yet (" + problem.get() + "); waiting up to "
                            + PREFLIGHT_WAIT + " s for it");
                    problem = healthyAndUp(lb, n, healthPath, PREFLIGHT_WAIT, checking);
                }
            }
            if (problem.isPresent()) {
                throw new UpgradeException("preflight: " + n.node().name() + " is not healthy before the upgrade (" + problem.get()
                        + "); nothing was changed. oth doctor says why", Failure.COMMAND_FAILED);
            }
        }
        log.accept("preflight: " + nodes.size() + " app node(s) healthy and up in haproxy"
                + (nodes.size() == 1 ? "; with one app node the site does not answer while it restarts" : ""));
    }

    /** Why the node is not healthy through traefik and up in haproxy within {@code seconds} each, if it is not. */
    private Optional<String> healthyAndUp(Host lb, AppNode n, String healthPath, int seconds, Progress.Activity activity) {
        try {
            Optional<String> problem = health(lb, n, healthPath, Optional.empty(), seconds, activity);
            return problem.isPresent() ? problem : haproxySeesUp(lb, n, seconds, activity);
        } catch (RemoteException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Uploads and unpacks {@code release} on every node that lacks it, all at once; the running release is not touched. */
    public void stage(List<AppNode> nodes, ReleaseBundle release) throws UpgradeException {
        String dir = NodeLayout.APP_RELEASES + release.version();
        String bundle = NodeLayout.appBundle(release);
        List<Optional<RemoteException>> staged = Parallel.map(nodes, concurrency, n -> {
            try (Progress.Activity staging = progress.start(n.node().name(), "stage " + release.version())) {
                staging.step("looking for " + dir);
                if (n.host().run(Command.shell(UnpackOp.holds(dir, release.sha256(), NodeLayout.appNotes(release))), STEP).ok()) {
                    return Optional.empty();
                }
                staging.step("uploading " + bundle + " (" + release.blob().length() / 1024 + " KiB)");
                byte[] bytes;
                try {
                    bytes = release.bytes();
                } catch (ReleaseBundle.BundleException e) {
                    return Optional.of(new RemoteException(n.node().name(), Failure.COMMAND_FAILED, "not uploaded: " + e.getMessage()));
                }
                n.host().upload(bytes, bundle, "root:root", "0644");
                staging.step("unpacking into " + dir);
                CommandResult r = n.host().run(Command.shell(UnpackOp.unpack(bundle, dir, release.sha256(), release.contents().files().size(),
                        NodeLayout.appNotes(release))), Duration.ofMinutes(2));
                if (!r.ok()) {
                    return Optional.of(new RemoteException(n.node().name(), Failure.COMMAND_FAILED, "unpacking " + bundle + ": " + r.diagnostic()));
                }
                log.accept(n.node().name() + ": staged " + release.name() + " " + release.version() + " in " + dir);
                return Optional.empty();
            } catch (RemoteException e) {
                return Optional.of(e);
            }
        });
        for (Optional<RemoteException> e : staged) {
            if (e.isPresent()) {
                throw new UpgradeException("staging: " + e.get().getMessage() + "; no node was switched", e.get().failure());
            }
        }
    }

    /**
     * Switches the nodes to {@code target} (a release directory) one at a time. On a failure the node
     * and those already switched go back to what they ran, newest first, and the exception says so.
     */
    public void roll(Host lb, List<AppNode> nodes, String target, String healthPath) throws UpgradeException {
        String version = target.substring(target.lastIndexOf('/') + 1);
        Rollback rollback = new Rollback();
        for (AppNode n : nodes) {
            if (n.running().equals(target)) {
                log.accept(n.node().name() + ": already runs " + version);
                continue;
            }
            // Pushed before the move: a node that fails halfway (drained, or switched and not healthy) goes back first.
            rollback.push(n.node().name() + " runs " + n.version() + " again", () -> moveBack(lb, n, healthPath));
            Optional<String> problem = move(lb, n, target, healthPath, version, Optional.of(n.running()));
            if (problem.isPresent()) {
                log.accept(n.node().name() + ": " + problem.get() + "; going back to " + n.version());
                List<String> back = rollback.unwind().stream().map(RollingUpgrade::said).toList();
                throw new UpgradeException(n.node().name() + ": " + problem.get() + ". Rolled back: " + String.join("; ", back), Failure.COMMAND_FAILED);
            }
        }
        rollback.commit();
    }

    /** Puts {@code n} back on the release it ran, as it was recorded before. */
    private void moveBack(Host lb, AppNode n, String healthPath) throws RemoteException {
        Optional<String> problem = move(lb, n, n.running(), healthPath, n.version(), n.previous());
        if (problem.isPresent()) {
            throw new RemoteException(n.node().name(), Failure.COMMAND_FAILED, problem.get());
        }
    }

    /**
     * {@code app1 runs 1.4 again}, or {@code app1 did NOT come back: why}; {@code why} without the
     * node and failure kind {@link #moveBack} put before it, which the sentence says already.
     */
    private static String said(Rollback.Outcome o) {
        String node = o.what().substring(0, o.what().indexOf(' '));
        String prefix = node + ": " + Failure.COMMAND_FAILED.summary() + ": ";
        return o.failure().map(f -> node + " did NOT come back: " + (f.startsWith(prefix) ? f.substring(prefix.length()) : f)).orElse(o.what());
    }

    /**
     * Drain, switch, restart, check, put back. Empty when the node serves {@code target}; else what
     * went wrong. {@code previous} is what the node records as the release before (none: forgotten).
     */
    private Optional<String> move(Host lb, AppNode n, String target, String healthPath, String version, Optional<String> previous) {
        String name = n.node().name();
        return whileDrained(lb, n, "switch to " + version, (node, moving) -> {
            String record = previous.map(p -> UnpackOp.switchTo(p, PREVIOUS)).orElse("rm -f " + PREVIOUS);
            moving.step("switching to " + target + " and restarting " + NodeLayout.APP_SERVICE);
            CommandResult switched = n.host().run(Command.shell("set -e; [ -d " + Command.quote(target) + " ]; " + record + "; "
                    + UnpackOp.switchTo(target, NodeLayout.APP_CURRENT) + "; " + n.init().restart(NodeLayout.APP_SERVICE)), Duration.ofMinutes(1));
            if (!switched.ok()) {
                return Optional.of("switching to " + target + " failed: " + switched.diagnostic());
            }
            log.accept(name + ": switched to " + target + ", restarted");
            return Optional.empty();
        }, healthPath, Optional.of(version));
    }

    /** What is done to a node while haproxy has it drained; it restarts the application. Empty when done, else what went wrong. */
    @FunctionalInterface
    public interface DrainedWork {
        Optional<String> apply(AppNode node, Progress.Activity activity) throws RemoteException;
    }

    /**
     * Drains {@code n} in haproxy, does {@code work}, waits until the node answers healthy through
     * traefik ({@code version}: on that release) and puts it back, once haproxy sees it up. Empty
     * when the node is back; else what went wrong (the node stays drained: the caller decides).
     */
    public Optional<String> whileDrained(Host lb, AppNode n, String title, DrainedWork work, String healthPath, Optional<String> version) {
        String name = n.node().name();
        try (Progress.Activity activity = progress.start(name, title)) {
            activity.step("draining in haproxy");
            Optional<String> drained = drain(lb, n, activity);
            if (drained.isPresent()) {
                return drained;
            }
            Optional<String> done = work.apply(n, activity);
            if (done.isPresent()) {
                return done;
            }
            Optional<String> healthy = health(lb, n, healthPath, version, HEALTH_SECONDS, activity);
            if (healthy.isPresent()) {
                return healthy;
            }
            activity.step("back in haproxy");
            CommandResult ready = lb.run(runtime("set server " + BACKEND + "/" + name + " state ready"), STEP);
            if (!ready.ok()) {
                return Optional.of("haproxy did not take it back: " + ready.diagnostic());
            }
            Optional<String> up = haproxySeesUp(lb, n, 30, activity);
            if (up.isEmpty()) {
                log.accept(name + ": healthy" + version.map(v -> " on " + v).orElse("") + ", back in haproxy");
            }
            return up;
        } catch (RemoteException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Stops new requests to the node in haproxy and waits (up to 30 s) for its open sessions to end. */
    private Optional<String> drain(Host lb, AppNode n, Progress.Activity activity) throws RemoteException {
        String server = BACKEND + "/" + n.node().name();
        CommandResult r;
        try (Waiting waiting = activity.waitFor("its open sessions in haproxy to end (up to 30 s)")) {
            r = lb.run(Command.shell(runtimeScript("set server " + server + " state drain")
                    + "; for i in $(seq 60); do s=$(" + statField(n, 5) + "); [ \"${s:-0}\" = 0 ] && exit 0; sleep 0.5; done; echo \"$s sessions still open\"; exit 1"), STEP);
        }
        if (!r.ok()) {
            return Optional.of("draining " + server + " in haproxy failed: " + r.diagnostic());
        }
        log.accept(n.node().name() + ": drained in haproxy");
        return Optional.empty();
    }

    /**
     * The node's health through traefik, from the load balancer, as haproxy reaches it (mutual TLS, its client certificate);
     * with {@code version}, it must run that one. Asked in windows of {@link #WINDOW_SECONDS}: between two, the node says
     * whether the application runs at all, so that a release that exits at once fails in seconds, not after the deadline.
     */
    private Optional<String> health(Host lb, AppNode n, String healthPath, Optional<String> version, int seconds, Progress.Activity activity)
            throws RemoteException {
        String url = "https://" + Addresses.hostPort(n.node().address(), ports.traefik()) + healthPath;
        String want = version.map(v -> "\"version\":\"" + v + "\"").orElse("\"status\":\"ok\"");
        String waitedFor = n.node().name() + " to answer healthy" + version.map(v -> " on " + v).orElse("") + " through traefik (up to " + seconds + " s)";
        // Counted in windows, not read from a clock: each window that fails lasts at least its seconds on the load balancer.
        int windows = Math.max(1, (seconds + WINDOW_SECONDS - 1) / WINDOW_SECONDS);
        try (Waiting waiting = activity.waitFor(waitedFor)) {
            for (int window = 1; ; window++) {
                CommandResult r = lb.run(healthWindow(n, healthPath, want, Math.min(WINDOW_SECONDS, seconds)), Duration.ofSeconds(WINDOW_SECONDS * 3L + 20));
                if (r.ok()) {
                    return Optional.empty();
                }
                if (window >= windows) {
                    String answer = r.stdout().strip();
                    return Optional.of("not healthy" + version.map(v -> " on " + v).orElse("") + " after " + seconds + " s (" + url + " answered: "
                            + (answer.isEmpty() ? r.diagnostic() : NodeText.shown(answer, HEALTH_SHOWN)) + ")");
                }
                Optional<String> stopped = stoppedRunning(n);
                if (stopped.isPresent()) {
                    return stopped;
                }
            }
        }
    }

    /**
     * Up to {@code seconds} s of health checks from the load balancer: it succeeds after {@link #HEALTHY_IN_A_ROW} good
     * answers in a row (a JVM that has just started can answer once and then stumble), else prints the last answer.
     */
    private Command healthWindow(AppNode n, String healthPath, String want, int seconds) {
        return Command.shell("n=0; for i in $(seq " + (seconds + HEALTHY_IN_A_ROW) + "); do b=$(curl -sS --max-time 2 -H " + Command.quote("Host: " + site.fqdn())
                + " -H " + Command.quote(ReleaseBundle.NO_CACHE) + " " + LbToApp.curl(site, n.node(), ports.traefik(), healthPath) + " 2>&1); if echo \"$b\" | grep -qF " + Command.quote("\"status\":\"ok\"") + " && echo \"$b\" | grep -qF "
                + Command.quote(want) + "; then n=$((n+1)); [ $n -ge " + HEALTHY_IN_A_ROW + " ] && exit 0; sleep 0.5; continue; fi; n=0; sleep 1; done; echo \"$b\"; exit 1");
    }

    /** Why the application is not running on the node (asked twice, a second apart: a restart in between is not a stop), if it is not. */
    private static Optional<String> stoppedRunning(AppNode n) throws RemoteException {
        CommandResult r = n.host().run(Command.shell(n.init().isRunning(NodeLayout.APP_SERVICE) + " || { sleep 1; "
                + n.init().isRunning(NodeLayout.APP_SERVICE) + "; }"), STEP);
        if (r.ok()) {
            return Optional.empty();
        }
        return Optional.of(NodeLayout.APP_SERVICE + " stopped after its start: not running (its log: " + NodeLayout.APP_LOG
                + ", or journalctl -u " + NodeLayout.APP_SERVICE + " where systemd runs it)");
    }

    /** Waits until haproxy's own health checks have the node UP. */
    private Optional<String> haproxySeesUp(Host lb, AppNode n, int seconds, Progress.Activity activity) throws RemoteException {
        CommandResult r;
        try (Waiting waiting = activity.waitFor("haproxy to see " + n.node().name() + " up (up to " + seconds + " s)")) {
            r = lb.run(Command.shell("for i in $(seq " + (seconds * 2) + "); do s=$(" + statField(n, 18) + "); [ \"$s\" = UP ] && exit 0;"
                    + " sleep 0.5; done; echo \"haproxy says ${s:-nothing}\"; exit 1"), Duration.ofSeconds(seconds + 15L));
        }
        return r.ok() ? Optional.empty() : Optional.of("haproxy does not see it up: " + r.diagnostic());
    }

    /** The release each node ran before its last switch, for {@code --rollback}. */
    public static List<String> previous(List<AppNode> nodes) throws UpgradeException {
        List<String> found = new ArrayList<>();
        for (AppNode n : nodes) {
            found.add(n.previous().orElseThrow(() -> new UpgradeException(n.node().name() + ": no earlier release to go back to (" + PREVIOUS
                    + " is missing); nothing was changed", Failure.COMMAND_FAILED)));
        }
        return found;
    }

    /** One field of the node's line in haproxy's {@code show stat} CSV: 5 its current sessions, 18 its status. */
    private static String statField(AppNode n, int field) {
        return runtimeScript("show stat") + " | awk -F, -v b=" + BACKEND + " -v s=" + Command.quote(n.node().name()) + " '$1==b && $2==s {print $" + field + "}'";
    }

    private static Command runtime(String command) {
        return Command.shell(runtimeScript(command));
    }

    /** A command to haproxy's runtime API; its answer on stdout. */
    private static String runtimeScript(String command) {
        return "echo " + Command.quote(command) + " | socat -t 5 stdio unix-connect:" + ADMIN_SOCKET;
    }
}
