package io.oth.lock;

import io.oth.secret.PrivateFiles;
import io.oth.input.Durations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run at a time per site on the operator's machine: an OS lock on {@code lock} in the site's
 * state directory, and in that file the {@link Holder}'s record, its modification time refreshed
 * every {@link #HEARTBEAT} while the run lasts. The OS releases the lock the moment its holder dies,
 * even by SIGKILL; the record it leaves behind is how the next run knows whose lock it takes over.
 * A run that ends normally empties the record.
 */
public final class SiteLock implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Path file;
    private final Holder holder;
    private final FileChannel channel;
    private final FileLock lock;
    private final ScheduledExecutorService heartbeat;

    private SiteLock(Path file, Holder holder, FileChannel channel, FileLock lock) {
        this.file = file;
        this.holder = holder;
        this.channel = channel;
        this.lock = lock;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oth-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of {@code site} in {@code file} for {@code me}, waiting up to {@code wait} for
     * a run that holds it (zero: refuse at once). {@code say} hears that oth waits, and whose stale
     * lock it took over.
     */
    public static SiteLock take(String site, Path file, Holder me, Duration wait, Clock clock, Consumer<String> say)
            throws LockedException, IOException {
        Instant deadline = clock.instant().plus(wait);
        boolean waiting = false;
        while (true) {
            PrivateFiles.createDirectory(file.toAbsolutePath().getParent());
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock = tryLock(channel);
            String recorded = read(channel);
            if (lock != null) {
                Optional<Holder> left = Holder.parse(recorded);
                if (!recorded.isEmpty()) {
                    say.accept("site " + site + ": taking over the lock of "
                            + left.map(h -> h.describe(age(file, clock), clock.instant())).orElse("an earlier run (its record is unreadable)")
                            + ", which ended without releasing it");
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(me.render().getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(true);
                return new SiteLock(file, me, channel, lock);
            }
            channel.close();
            String holder = Holder.parse(recorded).map(h -> h.describe(age(file, clock), clock.instant()))
                    .orElse("another oth run (its record is not written yet or unreadable; " + file + ")");
            if (!clock.instant().isBefore(deadline)) {
                throw new LockedException("site " + site + " is being changed by " + holder + "; wait for it, or use --lock-wait 5m"
                        + (waiting ? " (waited " + format(wait) + ")" : ""));
            }
            if (!waiting) {
                say.accept("site " + site + " is being changed by " + holder + "; waiting up to " + format(wait));
                waiting = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockedException("interrupted while waiting for the lock of site " + site);
            }
        }
    }

    /** This run, as the lock records it; the nodes' locks record the same. */
    public Holder holder() {
        return holder;
    }

    /**
     * Empties the record and releases the lock: the next run finds a free lock, not a stale one. A
     * record that cannot be emptied only makes the next run say that it takes the lock over.
     */
    @Override
    public void close() {
        // Not shutdownNow: a beat interrupted while it writes would close the channel under us.
        heartbeat.shutdown();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (channel) {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases the OS lock in any case.
        }
    }

    /**
     * Rewrites the record through the locked channel, which is what moves its modification time.
     * Not {@code Files.setLastModifiedTime}: it opens the file, and closing any descriptor of a
     * file releases the process's POSIX lock on it.
     */
    private void beat() {
        try {
            channel.write(ByteBuffer.wrap(holder.render().getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // A missed beat only makes the lock look older to a run that is refused anyway.
        }
    }

    /** The OS lock, or null when another process (or another lock of this process) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String read(FileChannel channel) throws IOException {
        byte[] bytes = Channels.newInputStream(channel.position(0)).readNBytes(Holder.MAX_BYTES + 1);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Optional<Duration> age(Path file, Clock clock) {
        try {
            return Optional.of(Duration.between(Files.getLastModifiedTime(file).toInstant(), clock.instant()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String format(Duration d) {
        return Durations.format(d.withNanos(0));
    }
}
