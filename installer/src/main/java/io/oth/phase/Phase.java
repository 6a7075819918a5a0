package io.oth.phase;

import io.oth.op.Change;
import io.oth.op.Operation;

import java.util.List;
import java.util.Optional;

/** A titled step of a run: the operations it wants on each node it applies to. */
public interface Phase {

    /** Short, stable name: the journal records it. */
    String name();

    String title();

    boolean appliesTo(Target target);

    /**
     * The phases that must have finished on a node before this one starts there (a phase that does
     * not apply to the node counts as finished once its own needs have; one that is not part of the
     * run, as finished). Empty: the phase listed before it ({@link PhaseOrder}).
     */
    default Optional<List<String>> needs() {
        return Optional.empty();
    }

    List<Operation> operations(Target target);

    /**
     * What the runner does on a node when a change of this phase fails there, after undoing the
     * applied ones that have an {@link Change#undo()}: leave the node so that the next run can
     * repair it (remove what a half-done phase leaves behind). Empty: nothing to do.
     */
    default Optional<Change> cleanUp(Target target) {
        return Optional.empty();
    }
}
