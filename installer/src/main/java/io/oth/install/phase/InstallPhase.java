package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.phase.Phase;
import io.oth.phase.Target;

import java.util.List;
import java.util.Optional;

/** An install phase: its name, title, roles and needs come from playbooks/install.yml, its operations from the subclass. */
public abstract class InstallPhase implements Phase {
    private final InstallPlaybook.PhaseSpec spec;

    protected InstallPhase(InstallPlaybook.PhaseSpec spec) {
        this.spec = spec;
    }

    protected final InstallPlaybook.PhaseSpec spec() {
        return spec;
    }

    @Override
    public final String name() {
        return spec.name();
    }

    @Override
    public final String title() {
        return spec.title();
    }

    @Override
    public final Optional<List<String>> needs() {
        return spec.needs();
    }

    @Override
    public final boolean appliesTo(Target target) {
        return spec.roles().contains(target.node().role());
    }
}
