package io.oth.remote;

import java.util.List;

/** A fleet of hosts already in hand, for tests: the reaches given, nothing to connect or close. */
public record FixedFleet(List<Fleet.Reach> reaches) implements Fleet {

    public FixedFleet {
        reaches = List.copyOf(reaches);
    }

    @Override
    public int sessionsOpened() {
        return 0;
    }

    @Override
    public int connectionsOpened() {
        return 0;
    }

    @Override
    public void close() {
        // nothing was opened
    }
}
