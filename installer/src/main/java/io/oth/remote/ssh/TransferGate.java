package io.oth.remote.ssh;

import io.oth.progress.Waiting;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The large uploads of one fleet, a few at a time, the largest first. Every node's connection runs
 * inside the one to the bastion, so all uploads share that connection's bandwidth, and this
 * machine's CPU, which encrypts every byte twice. Side by side they all finish late together:
 * at 10 app nodes, MinIO's 35 MB bundle took 10 s while the ten application releases went with it,
 * and the storage node's services were what the whole install waited for. Largest first, as in
 * longest-processing-time scheduling: the transfer that takes longest (and whose unpacking and
 * start take longest after it) does not wait behind the short ones, and the short ones still
 * share what is left. Uploads below {@link #BULK_BYTES} never wait.
 */
final class TransferGate {
    /** An upload smaller than this (configuration files, certificates) goes at once. */
    static final long BULK_BYTES = 1 << 20;

    /** One upload waiting for its turn: its size, and when it asked (ties go first come, first served). */
    private record Waiter(long bytes, long order) {
    }

    /** Released when the upload ends, however it ends. */
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    private final int slots;
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
            Comparator.comparingLong(Waiter::bytes).reversed().thenComparingLong(Waiter::order));
    private int running;
    private long asked;

    /** @param slots how many large uploads go at once */
    TransferGate(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots: " + slots);
        }
        this.slots = slots;
    }

    /**
     * Waits until an upload of {@code bytes} may go: at once when it is small, or when a slot is free
     * and no larger upload waits. A wait is announced ({@code announce}) only when there is one, and
     * ends when its turn comes.
     */
    Turn enter(long bytes, Supplier<Waiting> announce) throws InterruptedException {
        if (bytes < BULK_BYTES) {
            return () -> { };
        }
        Waiter me;
        synchronized (this) {
            me = new Waiter(bytes, asked++);
            waiting.add(me);
            if (admitted(me)) {
                return this::leave;
            }
        }
        // Announced outside the lock: showing a wait is the watcher's business, not the gate's.
        try (Waiting shown = announce.get()) {
            synchronized (this) {
                try {
                    while (!admitted(me)) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    waiting.remove(me);
                    notifyAll();
                    throw e;
                }
            }
        }
        return this::leave;
    }

    /** Whether {@code me} goes now (holding this gate's lock): a slot is free and it stands first in line. */
    private boolean admitted(Waiter me) {
        if (running >= slots || waiting.peek() != me) {
            return false;
        }
        waiting.poll();
        running++;
        return true;
    }

    private synchronized void leave() {
        running--;
        notifyAll();
    }
}
