package io.oth.remote;

import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link Fleet} of {@link RecordingHost}s for a site's nodes; a node can be made unreachable. */
public final class RecordingFleet implements Fleet {
    private final Site site;
    private final Map<String, RecordingHost> hosts = new LinkedHashMap<>();
    private final Map<String, RemoteException> unreachable = new LinkedHashMap<>();
    private final Map<String, String> saidWithLock = new LinkedHashMap<>();
    private boolean closed;

    public RecordingFleet(Site site) {
        this.site = site;
        site.nodes().forEach(n -> hosts.put(n.name(), new RecordingHost(n.name())));
    }

    public RecordingHost host(String node) {
        RecordingHost host = hosts.get(node);
        if (host == null) {
            throw new IllegalArgumentException("no node " + node + " in the site");
        }
        return host;
    }

    /** The node cannot be connected to: the run sees it failed with {@code failure}. */
    public RecordingFleet unreachable(String node, Failure failure) {
        unreachable.put(node, new RemoteException(node, failure, "on cue"));
        return this;
    }

    /** What the node printed in the session that took the run's lock (as FleetConnector's connect with a script gives it). */
    private final java.util.Set<String> bastions = new java.util.HashSet<>();

    /** {@code node} is the bastion itself, as a load balancer that SSH comes in to. */
    public RecordingFleet bastion(String node) {
        bastions.add(node);
        return this;
    }

    @Override
    public boolean isBastion(Node node) {
        return bastions.contains(node.name());
    }

    public RecordingFleet saidWithLock(String node, String output) {
        saidWithLock.put(node, output);
        return this;
    }

    @Override
    public Optional<String> saidWithLock(String node) {
        return Optional.ofNullable(saidWithLock.get(node));
    }

    /** A fresh connection to the node, as a firewall change proves it can still get in: the same recording host. */
    public HostConnection connection(Node node) throws RemoteException {
        if (unreachable.containsKey(node.name())) {
            throw unreachable.get(node.name());
        }
        RecordingHost host = host(node.name());
        return HostConnection.of(host, () -> { });
    }

    @Override
    public List<Reach> reaches() {
        List<Reach> reaches = new ArrayList<>();
        for (Node node : site.nodes()) {
            RemoteException failure = unreachable.get(node.name());
            reaches.add(failure == null ? Reach.reached(node, hosts.get(node.name()), Duration.ZERO) : Reach.failed(node, failure, Duration.ZERO));
        }
        return reaches;
    }

    @Override
    public int sessionsOpened() {
        return hosts.values().stream().mapToInt(h -> h.log().size()).sum();
    }

    @Override
    public int connectionsOpened() {
        return hosts.size() - unreachable.size();
    }

    public boolean closed() {
        return closed;
    }

    private final List<String> doneWith = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The nodes given back with {@link #doneWith}, in the order they were. */
    public List<String> givenBack() {
        return List.copyOf(doneWith);
    }

    @Override
    public void doneWith(java.util.Collection<String> nodes) {
        doneWith.addAll(nodes);
    }

    @Override
    public void close() {
        closed = true;
    }
}
