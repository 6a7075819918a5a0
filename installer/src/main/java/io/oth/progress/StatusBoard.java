package io.oth.progress;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a run is doing, as status lines: first the run itself (the command, how long it has run,
 * what it does as a whole), then one line per node at work: its oldest running work (a phase), how
 * long that has run, and its step, or what it waits for and for how long. A node with several
 * works at once shows the one that waits, and names the others. Time comes from {@code nanos}, so
 * that a test decides what a refresh sees.
 */
public final class StatusBoard implements Progress {
    private final String title;
    private final String opening;
    private final LongSupplier nanos;
    private final long started;
    private final List<Entry> entries = new ArrayList<>();
    private volatile Runnable changed = () -> { };
    private boolean begun;

    /**
     * @param title what the first line names: the command, {@code oth install}
     * @param opening what the first line says the run does until something is reported ("checking the site file")
     */
    public StatusBoard(String title, String opening, LongSupplier nanos) {
        this.title = title;
        this.opening = opening;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
    }

    /** Called after every change of what the lines say (not for the time going by: that is the caller's tick). */
    void onChange(Runnable listener) {
        this.changed = listener;
    }

    @Override
    public Activity doing(String what) {
        return add(null, what);
    }

    @Override
    public Activity start(String node, String work) {
        return add(node, work);
    }

    private Activity add(String node, String work) {
        Entry entry = new Entry(node, work, nanos.getAsLong());
        synchronized (this) {
            entries.add(entry);
            begun = true;
        }
        changed.run();
        return entry;
    }

    /**
     * The lines as they read now, at most {@code height}, the last one then saying how many nodes it
     * leaves out; in colour (the node bold, a wait yellow, times dim) when {@code colour}.
     */
    public synchronized List<AttributedString> lines(int height, boolean colour) {
        long now = nanos.getAsLong();
        List<AttributedString> lines = new ArrayList<>();
        AttributedStringBuilder head = new AttributedStringBuilder();
        head.append(title).append(" ");
        style(head, colour ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT, elapsed(now - started));
        Entry doing = null;
        Map<String, List<Entry>> nodes = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.node == null) {
                doing = e;
            } else {
                nodes.computeIfAbsent(e.node, k -> new ArrayList<>()).add(e);
            }
        }
        if (doing != null) {
            head.append(" · ");
            describe(head, doing, now, colour);
        } else if (!begun) {
            head.append(" · ").append(opening);
        }
        lines.add(head.toAttributedString());
        int width = nodes.keySet().stream().mapToInt(String::length).max().orElse(0);
        int room = Math.max(1, height) - 1;
        int shown = 0;
        for (Map.Entry<String, List<Entry>> node : nodes.entrySet()) {
            if (shown == room - 1 && nodes.size() > room) {
                lines.add(new AttributedString("  ... and " + (nodes.size() - shown) + " more node(s) at work"));
                break;
            }
            lines.add(nodeLine(node.getKey(), width, node.getValue(), now, colour));
            shown++;
        }
        return lines;
    }

    /** {@code  storage  objects-accounts 45 s  waiting for MinIO on 10.77.0.5:9000, 12 s  + broker-accounts} */
    private static AttributedString nodeLine(String node, int width, List<Entry> works, long now, boolean colour) {
        Entry shown = works.stream().filter(Entry::waits).reduce((a, b) -> b).orElse(works.get(0));
        AttributedStringBuilder line = new AttributedStringBuilder().append("  ");
        style(line, colour ? AttributedStyle.BOLD : AttributedStyle.DEFAULT, node);
        line.append(" ".repeat(width - node.length() + 2)).append(shown.work).append(" ");
        style(line, colour ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT, elapsed(now - shown.since));
        String step = shown.current();
        if (shown.waits() || !step.isEmpty()) {
            line.append("  ");
            describe(line, shown, now, colour);
        }
        List<String> others = works.stream().filter(w -> w != shown).map(w -> w.work).toList();
        if (!others.isEmpty()) {
            line.append("  + ").append(String.join(", ", others));
        }
        return line.toAttributedString();
    }

    /** The work's wait with its time, else its step, else its name. */
    private static void describe(AttributedStringBuilder line, Entry e, long now, boolean colour) {
        Entry.Wait wait = e.lastWait();
        if (wait != null) {
            style(line, colour ? AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW) : AttributedStyle.DEFAULT,
                    "waiting for " + wait.what + ", " + elapsed(now - wait.since));
        } else {
            line.append(e.node == null ? e.work : e.current());
        }
    }

    private static void style(AttributedStringBuilder line, AttributedStyle style, String text) {
        line.style(style).append(text).style(AttributedStyle.DEFAULT);
    }

    /** {@code 12 s}, {@code 1:03}, {@code 1:02:03}: seconds as a person counts them, never a fraction. */
    static String elapsed(long nanos) {
        long s = Math.max(0, nanos) / 1_000_000_000L;
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? String.format("%d:%02d", s / 60, s % 60) : String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private synchronized void remove(Entry entry) {
        entries.remove(entry);
    }

    /** One work: its node (none for the run's own), name, start, step and open waits. */
    private final class Entry implements Activity {
        private final String node;
        private final String work;
        private final long since;
        private String step = "";
        private final List<Wait> waits = new ArrayList<>();

        Entry(String node, String work, long since) {
            this.node = node;
            this.work = work;
            this.since = since;
        }

        private record Wait(String what, long since) {
        }

        @Override
        public void step(String what) {
            synchronized (StatusBoard.this) {
                step = what;
            }
            changed.run();
        }

        @Override
        public Waiting waitFor(String what) {
            Wait wait = new Wait(what, nanos.getAsLong());
            synchronized (StatusBoard.this) {
                waits.add(wait);
            }
            changed.run();
            return () -> {
                synchronized (StatusBoard.this) {
                    waits.remove(wait);
                }
                changed.run();
            };
        }

        @Override
        public void close() {
            remove(this);
            changed.run();
        }

        boolean waits() {
            return !waits.isEmpty();
        }

        Wait lastWait() {
            return waits.isEmpty() ? null : waits.get(waits.size() - 1);
        }

        String current() {
            return step;
        }
    }
}
