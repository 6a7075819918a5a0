package io.oth.phase;

import io.oth.remote.RemoteException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The undo of work already done, for one unit of work (a phase on a node, an upgrade across the
 * app nodes, a support grant across the fleet): each step that succeeded pushes what undoes it;
 * when a later step fails, {@link #unwind} runs them newest first. An undo that fails does not stop
 * the others, and each outcome is said, so a person knows what is left as it was.
 */
public final class Rollback {

    /** What puts one step back. */
    @FunctionalInterface
    public interface Undo {
        void undo() throws RemoteException;
    }

    /** One undo: what it put back, or why it could not. */
    public record Outcome(String what, Optional<String> failure) {
        public boolean ok() {
            return failure.isEmpty();
        }

        @Override
        public String toString() {
            return what + failure.map(f -> " FAILED: " + f).orElse("");
        }
    }

    private record Step(String what, Undo undo) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    /** After a step succeeded: {@code what} says what the undo does (e.g. {@code app1 runs 1.4 again}). */
    public synchronized void push(String what, Undo undo) {
        steps.push(new Step(what, undo));
    }

    public synchronized boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Runs every undo, newest first, and forgets them. */
    public synchronized List<Outcome> unwind() {
        List<Outcome> outcomes = new ArrayList<>();
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.undo().undo();
                outcomes.add(new Outcome(step.what(), Optional.empty()));
            } catch (RemoteException | RuntimeException e) {
                outcomes.add(new Outcome(step.what(), Optional.of(e.getMessage())));
            }
        }
        return outcomes;
    }

    /** Forgets the undo steps: the work they would undo is there to stay (the whole unit succeeded). */
    public synchronized void commit() {
        steps.clear();
    }
}
