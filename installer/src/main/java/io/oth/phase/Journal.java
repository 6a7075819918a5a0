package io.oth.phase;

import io.oth.site.StateDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * What finished, per host and phase, on the operator's side. A run that ends without its end
 * record was interrupted; the next run says so and what had finished. Phases are still checked
 * against the hosts' facts on the next run: the journal tells a person, the facts tell oth.
 *
 * <p>Each line ends with the CRC-32 of the rest of it and is forced to disk before the run goes on,
 * so that a crash leaves at most one partial last line, and a damaged line is reported and skipped
 * instead of being read as something else. Every line names its run, so a damaged start line
 * does not hide an interrupted run: its other lines still say that it began and never ended.
 */
public final class Journal {
    /** A bound on what is read back: the journal of years of runs, or a file that is not one. */
    static final long MAX_READ = 8L << 20;
    /** A journal larger than this is cut to its last {@link #KEEP} when the next run starts (a run writes a few KiB). */
    static final long COMPACT_ABOVE = 4L << 20;
    static final long KEEP = 1L << 20;
    private static final Set<String> EVENTS = Set.of("start", "done", "end");

    private final Path file;

    public Journal(Path file) {
        this.file = file;
    }

    /** The journal in the site's {@link StateDir}. */
    public static Journal forSite(String site) {
        return new Journal(StateDir.of(site).resolve("journal"));
    }

    public Path file() {
        return file;
    }

    /** An earlier run that never ended: when it started (when known) and how many host phases it finished. */
    public record Interrupted(String run, Optional<Instant> started, long finished) {
    }

    /**
     * What the journal says before a run: the last run if it never ended, and the lines that could
     * not be read since the last run that did end (older damage was reported before).
     */
    public record Review(Optional<Interrupted> interrupted, List<String> damaged) {
    }

    public Review review() {
        byte[] bytes;
        long skipped;
        try {
            if (!Files.exists(file)) {
                return new Review(Optional.empty(), List.of());
            }
            bytes = tail(file, MAX_READ);
            skipped = Files.size(file) - bytes.length;
        } catch (IOException e) {
            return new Review(Optional.empty(), List.of("journal " + file + " cannot be read (" + e.getMessage() + "); ignoring it"));
        }
        // Only what follows the last intact end record counts: it is found from the end, so a
        // journal of years of runs costs what its last run wrote, not what all of them did.
        int[] starts = lineStarts(bytes);
        int complete = starts.length - 1;
        boolean partial = starts[complete] < bytes.length;
        // The records after it, each parsed once, newest first.
        List<Optional<String[]>> after = new ArrayList<>();
        for (int i = complete - 1; i >= 0; i--) {
            Optional<String[]> record = parse(line(bytes, starts, i));
            if (record.isPresent() && record.get()[2].equals("end")) {
                break;
            }
            after.add(record);
        }
        int from = complete - after.size();
        Map<String, RunState> runs = new HashMap<>();
        String lastRun = null;
        List<Integer> damaged = new ArrayList<>();
        for (int i = from; i < complete; i++) {
            Optional<String[]> record = after.get(complete - 1 - i);
            if (record.isEmpty()) {
                damaged.add(i + 1);
                continue;
            }
            String[] r = record.get();
            RunState run = runs.computeIfAbsent(r[1], k -> new RunState());
            lastRun = r[1];
            if (r[2].equals("start")) {
                run.started = Optional.of(Instant.parse(r[0]));
            } else {
                run.finished++;
            }
        }
        RunState last = runs.get(lastRun);
        Optional<Interrupted> interrupted = last == null ? Optional.empty() : Optional.of(new Interrupted(lastRun, last.started, last.finished));
        String of = skipped > 0 ? " of its last " + (MAX_READ >> 20) + " MiB" : "";
        List<String> notes = new ArrayList<>(ranges(damaged).stream().map(r -> (r[0] == r[1] ? "journal line " + r[0] + of + " is damaged"
                : "journal lines " + r[0] + "-" + r[1] + of + " are damaged (or were written by an oth without checksums)") + "; ignoring "
                + (r[0] == r[1] ? "it" : "them")).toList());
        if (partial) {
            notes.add("journal line " + (complete + 1) + of + " is incomplete (a run stopped while writing it); ignoring it");
        }
        return new Review(interrupted, List.copyOf(notes));
    }

    /** Where each line of {@code bytes} starts, and after them where the bytes end or an unfinished last line starts. */
    private static int[] lineStarts(byte[] bytes) {
        int lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        int[] starts = new int[lines + 1];
        int n = 1;
        for (int i = 0; i < bytes.length && n <= lines; i++) {
            if (bytes[i] == '\n') {
                starts[n++] = i + 1;
            }
        }
        return starts;
    }

    private static String line(byte[] bytes, int[] starts, int i) {
        return new String(bytes, starts[i], starts[i + 1] - starts[i] - 1, StandardCharsets.UTF_8);
    }

    /** Line numbers as runs of consecutive ones: 1, 2, 3, 7 as [1, 3], [7, 7]. */
    private static List<int[]> ranges(List<Integer> numbers) {
        List<int[]> ranges = new ArrayList<>();
        for (int n : numbers) {
            if (!ranges.isEmpty() && ranges.get(ranges.size() - 1)[1] == n - 1) {
                ranges.get(ranges.size() - 1)[1] = n;
            } else {
                ranges.add(new int[] {n, n});
            }
        }
        return ranges;
    }

    private static final class RunState {
        Optional<Instant> started = Optional.empty();
        long finished;
    }

    /** The fields of an intact line (time, run, event, ...), or empty when the line is damaged. */
    static Optional<String[]> parse(String line) {
        int tab = line.lastIndexOf('\t');
        if (tab < 0 || !line.substring(tab + 1).equals(checksum(line.substring(0, tab)))) {
            return Optional.empty();
        }
        String[] fields = line.substring(0, tab).split("\t", -1);
        if (fields.length < 3 || !EVENTS.contains(fields[2]) || fields[1].isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant.parse(fields[0]);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.of(fields);
    }

    void start(String run, String mode) {
        compact();
        append(run, "start", mode, "");
    }

    /**
     * Above {@link #COMPACT_ABOVE}, the journal is cut to its last {@link #KEEP} (whole lines)
     * before a run starts: it tells what recent runs did, the run logs keep the rest. Replaced
     * atomically; a journal that cannot be cut stays as it is (what is read of it is bounded).
     */
    private void compact() {
        try {
            if (!Files.exists(file) || Files.size(file) <= COMPACT_ABOVE) {
                return;
            }
            byte[] kept = tail(file, KEEP);
            Path cut = file.resolveSibling(file.getFileName() + ".cut");
            try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(kept);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
            Files.move(cut, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // left as it is
        }
    }

    void done(String run, String host, String phase, int changed) {
        append(run, "done", host + "\t" + phase, String.valueOf(changed));
    }

    void end(String run, String outcome) {
        append(run, "end", outcome, "");
    }

    /** One line, with its checksum, on the disk before this returns: the phase it records has finished. */
    private synchronized void append(String run, String event, String what, String extra) {
        String record = Instant.now() + "\t" + run + "\t" + event + "\t" + what + "\t" + extra;
        ByteBuffer bytes = ByteBuffer.wrap((record + "\t" + checksum(record) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }

    static String checksum(String record) {
        CRC32 crc = new CRC32();
        crc.update(record.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** The last {@code max} bytes, from the start of a line. */
    private static byte[] tail(Path file, long max) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = Math.max(0, size - max);
            byte[] bytes = Channels.newInputStream(channel.position(from)).readNBytes((int) (size - from));
            if (from == 0) {
                return bytes;
            }
            int newline = 0;
            while (newline < bytes.length && bytes[newline] != '\n') {
                newline++;
            }
            return Arrays.copyOfRange(bytes, Math.min(bytes.length, newline + 1), bytes.length);
        }
    }
}
