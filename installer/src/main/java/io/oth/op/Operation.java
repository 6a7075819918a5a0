package io.oth.op;

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
     * @param answers the probes' answers, by key
     * @param notified services that earlier changes in the same phase asked to reload
     */
    Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified);
}
