package io.oth.fleet;

import io.oth.lock.LockClaim;
import io.oth.lock.NodeLocks;
import io.oth.progress.Progress;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Fleet;
import io.oth.remote.HostConnection;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.RemoteException;
import io.oth.remote.ssh.KnownHostsFiles;
import io.oth.remote.ssh.SshFleet;
import io.oth.runlog.DebugLog;
import io.oth.site.Node;
import io.oth.site.Site;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How commands and services reach a site's nodes: the one place that knows the fleet is SSH through
 * the bastion, so that a service can be handed a fleet of test hosts instead.
 */
public interface FleetConnector {

    /** Trust in exactly the host keys a known_hosts file records, never one it marks {@code @revoked}. */
    static HostKeyTrust trustFrom(Path knownHosts) throws IOException {
        return KnownHostsFiles.trustFrom(knownHosts);
    }

    /** Connects to {@code nodes}; fails as a whole only when the bastion cannot be used, a node that fails is in its {@link Fleet.Reach}. */
    Fleet connect(Site site, List<Node> nodes) throws RemoteException;

    /** One node on its own connection: for a step that needs one node only, or must prove a fresh login works. */
    HostConnection connectOne(Site site, Node node) throws RemoteException;

    /** Nodes handled at once. */
    int concurrency();

    /** Where this run's debug lines go (its remote commands are traced there already); for what services time themselves, such as phases. */
    default DebugLog debugLog() {
        return DebugLog.NONE;
    }

    /** Where this run's services say what they are doing, for the status lines on a terminal. */
    default Progress progress() {
        return Progress.NONE;
    }

    /** This connector, its services saying what they do to {@code progress}. */
    default FleetConnector reporting(Progress progress) {
        FleetConnector connector = this;
        return new FleetConnector() {
            @Override
            public Fleet connect(Site site, List<Node> nodes) throws RemoteException {
                return connector.connect(site, nodes);
            }

            @Override
            public HostConnection connectOne(Site site, Node node) throws RemoteException {
                return connector.connectOne(site, node);
            }

            @Override
            public int concurrency() {
                return connector.concurrency();
            }

            @Override
            public DebugLog debugLog() {
                return connector.debugLog();
            }

            @Override
            public Progress progress() {
                return progress;
            }
        };
    }

    /** What connecting to {@code nodes} of {@code site} is called while it happens: the bastion, when there is one. */
    static String connecting(Site site, List<Node> nodes) {
        return "connecting to " + (nodes.size() == 1 ? nodes.get(0).name() : nodes.size() + " nodes")
                + site.bastion().map(b -> " through bastion " + b.address()).orElse("");
    }

    /**
     * Connects to {@code nodes} and, when the run holds the site's lock ({@code claim}), takes it on
     * every node reached as well, waiting as long as the claim says; closing the fleet gives the node locks back first.
     */
    default Fleet connect(Site site, List<Node> nodes, Optional<LockClaim> claim, Consumer<String> say) throws RemoteException {
        return connect(site, nodes, claim, say, node -> "");
    }

    /**
     * Like {@link #connect(Site, List, Optional, Consumer)}; each node whose lock is taken also runs
     * {@code withLock.apply(its name)} in the same session, and the fleet holds what it printed
     * ({@link Fleet#saidWithLock}): the first read of a run costs no round trip of its own.
     */
    default Fleet connect(Site site, List<Node> nodes, Optional<LockClaim> claim, Consumer<String> say, Function<String, String> withLock)
            throws RemoteException {
        Fleet fleet;
        try (Progress.Activity connecting = progress().doing(connecting(site, nodes))) {
            fleet = connect(site, nodes);
        }
        NodeLocks locks;
        try (Progress.Activity locking = claim.isPresent() ? progress().doing("taking the site's lock on every node") : Progress.Activity.NONE) {
            locks = claim.isPresent() ? NodeLocks.take(fleet, claim.get(), concurrency(), say, locking, withLock) : NodeLocks.none();
        } catch (RemoteException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return new LockedFleet(fleet, locks);
    }

    /**
     * Sets up the SSH machinery (Bouncy Castle's provider, sshj's configuration) on a thread of its
     * own: a command about to connect calls it first, and a second core does this while the first
     * parses the options and reads the site.
     */
    static void warmUpInBackground() {
        Thread warm = new Thread(SshFleet::warmUp, "oth-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /** The site's nodes over SSH, as {@code options} say. */
    static FleetConnector ssh(ConnectOptions options) {
        return new FleetConnector() {
            @Override
            public Fleet connect(Site site, List<Node> nodes) throws RemoteException {
                return SshFleet.connect(site, nodes, options);
            }

            @Override
            public HostConnection connectOne(Site site, Node node) throws RemoteException {
                return SshFleet.connectOne(site, node, options);
            }

            @Override
            public int concurrency() {
                return options.concurrency();
            }

            @Override
            public DebugLog debugLog() {
                return options.debugLog();
            }
        };
    }
}
