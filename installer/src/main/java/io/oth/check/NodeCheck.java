package io.oth.check;

import io.oth.op.MariaDbRead;
import io.oth.op.Probe;
import io.oth.site.Node;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A family of checks seen from the nodes: the probes to run on a node, then the findings read from
 * their answers. All probes of a node run at once in one session; a check never talks to the node
 * itself, so answers alone test it. Each family lists its checks in a static {@code checks}, which
 * {@link Doctor#catalogue} gathers.
 */
interface NodeCheck {

    /** The probes to run on {@code node} (keys unique across families). */
    List<Probe> probes(Node node);

    /**
     * This machine's clock when the round with {@link #probes} was sent to the node and when its
     * answer came: a check that compares the node's clock with this one's ({@link ClockCheck}) is
     * told; the others need not be.
     */
    default void answeredWithin(Instant sent, Instant answered) {
    }

    /** The findings from the answers to {@link #probes}; {@code answers} holds at least those. */
    List<Finding> findings(Node node, Map<String, Probe.Answer> answers);

    /**
     * Whether {@code probe}'s failed {@code answer} gets a second try once every node has answered
     * (Doctor): a connection or a lookup may have run out of time on a node or a network busy with
     * the checks themselves, and a failure doctor reports must be the network's, not its own.
     * By default, a failed probe that {@link Probe#waits}, but for a read of MariaDB that ran out of
     * its own bound ({@link MariaDbRead#outOfTime}): ten seconds is the server's silence, not the checks' load.
     */
    default boolean triedAgain(Probe probe, Probe.Answer answer) {
        return probe.waits() && !answer.ok() && !MariaDbRead.outOfTime(answer);
    }
}
