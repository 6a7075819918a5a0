package io.oth.phase;

import io.oth.op.Operation;

import java.util.List;

/** A titled step of a run: the operations it wants on each node it applies to. */
public interface Phase {

    /** Short, stable name: the journal records it. */
    String name();

    String title();

    boolean appliesTo(Target target);

    List<Operation> operations(Target target);
}
