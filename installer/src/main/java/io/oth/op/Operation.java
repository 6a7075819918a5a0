package io.oth.op;

import io.oth.remote.Host;
import io.oth.remote.RemoteException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Desired state of one thing on one host. It names the facts it needs; given their answers, it
 * plans the change that makes the host match, or nothing when the host already does.
 */
public interface Operation {

    /** What this operation is about, for the plan: {@code file /etc/haproxy/haproxy.cfg}. */
    String subject();

    List<Probe> probes();

    /**
     * Facts that no shell probe can read: oth asks for them itself, through its connection to the
     * node (an API behind a port forward). Called after the probes and before {@link #plan}, in
     * {@code --check} too, so it must only read; the reads of a phase's operations run side by side. The
     * answers join the probes' under their own keys. {@code probed} is what this phase's probes
     * answered, by key: an operation whose reads depend on a state that a probe tells (is the
     * service running?) asks it in the phase's one round of probes rather than in an SSH session of
     * its own. A caller that asked none passes an empty map.
     */
    default Map<String, Probe.Answer> read(Host host, Map<String, Probe.Answer> probed) throws RemoteException {
        return Map.of();
    }

    /**
     * @param answers the probes' answers, by key
     * @param notified services that earlier changes in the same phase asked to reload
     */
    Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified);

    /**
     * Why {@code answers} say nothing of what this operation manages, if they do not (its service
     * did not answer, or refused the read), in the service's words: then a plan is a guess, and a
     * caller that reports drift (doctor) reports this instead. Empty when the answers were read.
     */
    default Optional<String> unanswered(Map<String, Probe.Answer> answers) {
        return Optional.empty();
    }

    /**
     * Why {@link #plan} planned nothing, given the same answers: what a person reads for each
     * operation that is a no-op ({@code install --check --verbose}), e.g. {@code the user exists}.
     */
    default String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "already as wanted";
    }

    /**
     * What the answers show that this operation cannot change and a person must know, given the
     * same answers as {@link #plan}: each a sentence that names the thing and what it does to the
     * site (another program's firewall that may drop what oth's lets in). Install prints them as
     * warnings of the node, in {@code --check} too, and counts them in its summary.
     */
    default List<String> warnings(Map<String, Probe.Answer> answers) {
        return List.of();
    }
}
