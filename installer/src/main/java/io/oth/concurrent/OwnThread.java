package io.oth.concurrent;

import java.util.concurrent.Executor;

/**
 * An executor that runs each task on a new daemon thread of its own, for work that blocks: a stream
 * read to its end, a network check. Never the JDK's common pool (what {@code supplyAsync} without an
 * executor uses): it has one thread fewer than the machine has cores, so on an operator's machine
 * with four, a fourth blocking read would wait for one of three others to end, and a command long
 * done would look hung. (On two cores the JDK already gives each task a thread, which is why the
 * lab never showed it.)
 */
public final class OwnThread {
    private OwnThread() {
    }

    /** Each task on a new daemon thread called {@code name}. */
    public static Executor named(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }
}
