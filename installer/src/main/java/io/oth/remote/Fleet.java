package io.oth.remote;

import io.oth.site.Node;
import io.oth.site.SiteLoader;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The site's nodes after connecting: each one reached (with its {@link Host}) or failed. */
public interface Fleet extends AutoCloseable {

    /** One entry per node, in site order. */
    List<Reach> reaches();

    /**
     * The port oth dials {@code node}'s sshd on: the site file's, else ssh_config's, else 22. Where
     * support staff jump from the load balancer to, and what oth doctor probes for the node's SSH.
     */
    default int sshPort(Node node) {
        return sitePort(node);
    }

    /**
     * Whether {@code node} is the bastion itself (the load balancer, as the specification has it):
     * oth dials it where the bastion is, so its sessions come from this side, not from the bastion
     * as the other nodes' do.
     */
    default boolean isBastion(Node node) {
        return false;
    }

    /** The SSH port the site file gives {@code node}, else 22: where no ssh_config is read (a support bundle's analysis). */
    static int sitePort(Node node) {
        return node.ssh().port().orElse(SiteLoader.SSH_PORT);
    }

    /** Command sessions opened so far on all node connections (what dominates the time of a run). */
    int sessionsOpened();

    /** SSH connections opened: the bastion's and one per node attempted. */
    int connectionsOpened();

    /**
     * What {@code node} printed for a script run in the same session that took the run's lock on it
     * (FleetConnector's connect with a script to run under the lock): untrusted text; empty when
     * no such script ran there.
     */
    default Optional<String> saidWithLock(String node) {
        return Optional.empty();
    }

    /**
     * The run changes nothing more on these nodes: a fleet that holds the run's lock on them gives
     * it back now rather than when it is closed. Their connections stay open.
     */
    default void doneWith(Collection<String> nodes) {
    }

    @Override
    void close();

    /** The outcome of connecting to one node. */
    record Reach(Node node, Optional<Host> host, Optional<RemoteException> failure, Duration latency) {
        public static Reach reached(Node node, Host host, Duration latency) {
            return new Reach(node, Optional.of(host), Optional.empty(), latency);
        }

        public static Reach failed(Node node, RemoteException failure, Duration latency) {
            return new Reach(node, Optional.empty(), Optional.of(failure), latency);
        }
    }
}
