package io.oth.fleet;

import io.oth.lock.NodeLocks;
import io.oth.remote.Fleet;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A fleet whose nodes hold the run's lock until it is closed. */
record LockedFleet(Fleet fleet, NodeLocks locks) implements Fleet {
    @Override
    public List<Reach> reaches() {
        return fleet.reaches();
    }

    @Override
    public int sshPort(io.oth.site.Node node) {
        return fleet.sshPort(node);
    }

    @Override
    public boolean isBastion(io.oth.site.Node node) {
        return fleet.isBastion(node);
    }

    @Override
    public int sessionsOpened() {
        return fleet.sessionsOpened();
    }

    @Override
    public int connectionsOpened() {
        return fleet.connectionsOpened();
    }

    @Override
    public Optional<String> saidWithLock(String node) {
        return locks.also(node);
    }

    @Override
    public void doneWith(Collection<String> nodes) {
        locks.release(nodes);
    }

    /** The node locks go first, while their connections are still open. */
    @Override
    public void close() {
        try (fleet) {
            locks.close();
        }
    }
}
