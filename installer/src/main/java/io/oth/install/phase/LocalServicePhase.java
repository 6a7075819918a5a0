package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.site.LocalServices;
import io.oth.op.Operation;
import io.oth.phase.Target;

import java.util.List;

/** A phase for one storage service (database, broker, objects): nothing to do when the site takes that service from elsewhere. */
abstract class LocalServicePhase extends InstallPhase {
    private final String service;

    /** @param service the service's name in playbooks/roles.yml */
    LocalServicePhase(InstallPlaybook.PhaseSpec spec, String service) {
        super(spec);
        this.service = service;
    }

    @Override
    public final List<Operation> operations(Target t) {
        return LocalServices.runsLocally(t.site(), service) ? local(t) : List.of();
    }

    /** The operations when the service runs on the storage node. */
    abstract List<Operation> local(Target t);

    /**
     * Why the key of the service's data at rest is never replaced: {@code sealed} says what it seals,
     * {@code secret} names it in the site state's secrets.
     */
    static String keyKept(String sealed, String secret) {
        return sealed + ", and another key would leave them unreadable."
                + " Run oth with the site state that installed this node (its secrets hold " + secret + "), or restore that state";
    }
}
