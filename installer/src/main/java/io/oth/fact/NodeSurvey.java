package io.oth.fact;

import io.oth.concurrent.Parallel;
import io.oth.fleet.FleetConnector;
import io.oth.remote.CommandResult;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Connects to every node through the bastion and reads what each one is. */
public final class NodeSurvey {
    private NodeSurvey() {
    }

    /** One node's row: facts when it answered, else why not. */
    public record Row(Node node, Optional<NodeFacts> facts, Optional<RemoteException> failure,
                      boolean sshReachable, Duration connect, Duration roundTrip) {
    }

    /** Throws when the bastion itself cannot be used: then no node can be reached. {@code timeout}: for reading a node's facts. */
    public static List<Row> survey(Site site, FleetConnector connector, Duration timeout) throws RemoteException {
        try (Fleet fleet = connector.connect(site, site.nodes())) {
            return Parallel.map(fleet.reaches(), connector.concurrency(), reach -> row(reach, timeout));
        }
    }

    private static Row row(Fleet.Reach reach, Duration timeout) {
        if (reach.host().isEmpty()) {
            RemoteException failure = reach.failure().orElseThrow();
            boolean sshAnswered = switch (failure.failure()) {
                case NODE_AUTH, HOST_KEY_CHANGED, HOST_KEY_UNKNOWN, KEY_FILE -> true;
                default -> false;
            };
            return new Row(reach.node(), Optional.empty(), Optional.of(failure), sshAnswered, reach.latency(), Duration.ZERO);
        }
        Host host = reach.host().get();
        long start = System.nanoTime();
        try {
            CommandResult result = host.run(NodeFacts.COMMAND, timeout);
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            return new Row(reach.node(), Optional.of(NodeFacts.parse(result)), Optional.empty(), true, reach.latency(), rtt);
        } catch (RemoteException e) {
            return new Row(reach.node(), Optional.empty(), Optional.of(e), true, reach.latency(), Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
