package io.oth.phase;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node's lines while phases run side by side on it. Of the phases still running there, the
 * one that started first prints at once; the lines of the others are held, and printed together
 * once every phase started before them has finished. So a node's output reads as its phases in the
 * order they started, each phase's lines together under its title.
 */
final class NodeOutput {
    private final Consumer<String> print;
    private final Deque<Channel> started = new ArrayDeque<>();

    /** @param print prints a text (possibly of several lines) with the node's prefix */
    NodeOutput(Consumer<String> print) {
        this.print = print;
    }

    /** Where one phase says what it does; {@link #finish} it when the phase ends, however it ends. */
    final class Channel implements Consumer<String> {
        private final List<String> held = new ArrayList<>();
        private boolean finished;

        @Override
        public void accept(String text) {
            say(this, text);
        }

        void finish() {
            NodeOutput.this.finish(this);
        }
    }

    /** The channel of a phase starting now. */
    synchronized Channel open() {
        Channel channel = new Channel();
        started.add(channel);
        return channel;
    }

    private synchronized void say(Channel channel, String text) {
        if (started.peekFirst() == channel) {
            print.accept(text);
        } else {
            channel.held.add(text);
        }
    }

    private synchronized void finish(Channel channel) {
        channel.finished = true;
        while (!started.isEmpty() && started.peekFirst().finished) {
            started.removeFirst();
            Channel next = started.peekFirst();
            if (next != null) {
                next.held.forEach(print);
                next.held.clear();
            }
        }
    }
}
