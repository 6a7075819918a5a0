package io.oth.lock;

import io.oth.concurrent.Parallel;
import io.oth.input.Durations;
import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The site's lock on every node, so that two operators on two machines are caught too. An SSH
 * session lasts one command, so a node's lock cannot be a held file descriptor: it is the holder's
 * record in {@link #FILE}, written under {@code flock} on a guard file (the check and the write are
 * one step), its modification time refreshed every {@link #HEARTBEAT} by this run, and removed at
 * the end. A record without a heartbeat for {@link #STALE} belongs to a run that died; so does one
 * of a process of this machine that is not running anymore (pid and start time tell), at once.
 * Either is taken over, and the run says whose it was.
 */
public final class NodeLocks implements AutoCloseable {
    /**
     * Run-time state, not the node's configuration: a reboot ends every run that held it, and a
     * no-op install leaves /etc, /opt and /var/lib/oth exactly as they were.
     */
    static final String DIR = "/run/oth";
    static final String FILE = DIR + "/lock";
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    static final Duration STALE = HEARTBEAT.multipliedBy(6);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A session that also reads what the run needs to know (every phase's probes, some of which wait on the network). */
    private static final Duration TIMEOUT_WITH_ALSO = Duration.ofSeconds(90);
    /** How often a run that waits (--lock-wait) asks the nodes again: one short command per node. */
    static final Duration POLL = Duration.ofSeconds(5);
    private static final String GUARD = "{ [ -d " + DIR + " ] || mkdir -p " + DIR + "; } && exec 9>" + FILE + ".guard && flock -w 20 9 || { echo 'guard busy' >&2; exit 3; }\n";
    /**
     * Sets {@code $run} to the run named in the record {@code $f} (its first {@code run=} line), or
     * to nothing: with the shell's own read, as every run releases each node's lock with it.
     */
    private static final String RUN_OF_RECORD = "run=; { while IFS= read -r l || [ -n \"$l\" ]; do case $l in run=*) run=${l#run=}; break ;; esac; done <$f; } 2>/dev/null\n";

    /** Printed before what {@code also} printed, once the node's lock is this run's. */
    private static final String ALSO = "@@oth-locked";

    private final Holder me;
    private final List<Host> hosts;
    private final int concurrency;
    private final Map<String, String> also;
    private final ScheduledExecutorService heartbeat;
    /** The nodes giving their locks back early ({@link #release}), each on a thread of its own; {@link #close} waits for them. */
    private final List<Thread> releasing = new CopyOnWriteArrayList<>();

    private NodeLocks(Holder me, List<Host> hosts, int concurrency, Map<String, String> also) {
        this.me = me;
        this.hosts = new CopyOnWriteArrayList<>(hosts);
        this.concurrency = concurrency;
        this.also = Map.copyOf(also);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oth-node-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        if (!hosts.isEmpty()) {
            heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** No lock on any node: for the commands that only read (a plan, a preflight). */
    public static NodeLocks none() {
        return new NodeLocks(null, List.of(), 1, Map.of());
    }

    /**
     * What a node printed for the {@code also} script of {@link #take(Fleet, LockClaim, int, Consumer,
     * Progress.Activity, String)}, run in the same session right after its lock was taken: a read
     * that every run makes first (the node's facts) costs no round trip of its own. Untrusted text.
     */
    public Optional<String> also(String node) {
        return Optional.ofNullable(also.get(node));
    }

    /** What a node answered to the take script. */
    record Answer(String state, long age, Optional<Holder> holder, Optional<String> also) {
        Answer(String state, long age, Optional<Holder> holder) {
            this(state, age, holder, Optional.empty());
        }
    }

    /**
     * Takes the lock on every node reached. When another live run holds it on any node, the locks
     * taken are given back and nothing else is done on any node; with a {@link LockClaim#lockWait()},
     * oth says once what it waits for and tries again every {@link #POLL} until then.
     */
    public static NodeLocks take(Fleet fleet, LockClaim claim, int concurrency, Consumer<String> say, Progress.Activity activity) throws RemoteException {
        return take(fleet, claim, concurrency, say, activity, node -> "");
    }

    /**
     * Like {@link #take(Fleet, LockClaim, int, Consumer, Progress.Activity)}; each node also runs
     * {@code also.apply(its name)} once its lock is taken ({@link #also}); a node given "" runs nothing more.
     */
    public static NodeLocks take(Fleet fleet, LockClaim claim, int concurrency, Consumer<String> say, Progress.Activity activity,
                                 Function<String, String> also) throws RemoteException {
        return take(fleet.reaches().stream().flatMap(r -> r.host().stream()).toList(), claim, concurrency, say, activity, also);
    }

    /** {@link #take(Fleet, LockClaim, int, Consumer, Progress.Activity)} on these nodes only (a command that reaches one node). */
    public static NodeLocks take(List<Host> reached, LockClaim claim, int concurrency, Consumer<String> say, Progress.Activity activity)
            throws RemoteException {
        return take(reached, claim, concurrency, say, activity, node -> "");
    }

    private static NodeLocks take(List<Host> reached, LockClaim claim, int concurrency, Consumer<String> say, Progress.Activity activity,
                                  Function<String, String> also) throws RemoteException {
        return take(reached, claim, concurrency, say, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), activity, also);
    }

    /** How a run waits between two tries: tests pass one that does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    static NodeLocks take(List<Host> reached, LockClaim claim, int concurrency, Consumer<String> say, Clock clock, Sleeper sleeper)
            throws RemoteException {
        return take(reached, claim, concurrency, say, clock, sleeper, Progress.Activity.NONE);
    }

    /** The wait, when there is one, shows in {@code activity}'s status line until the locks are taken or given up. */
    static NodeLocks take(List<Host> reached, LockClaim claim, int concurrency, Consumer<String> say, Clock clock, Sleeper sleeper,
                          Progress.Activity activity) throws RemoteException {
        return take(reached, claim, concurrency, say, clock, sleeper, activity, node -> "");
    }

    static NodeLocks take(List<Host> reached, LockClaim claim, int concurrency, Consumer<String> say, Clock clock, Sleeper sleeper,
                          Progress.Activity activity, Function<String, String> also) throws RemoteException {
        Instant deadline = clock.instant().plus(claim.lockWait());
        Waiting waiting = null;
        try {
            while (true) {
                Attempt attempt = tryTake(reached, claim.holder(), concurrency, say, clock, also);
                if (attempt.locks() != null) {
                    return attempt.locks();
                }
                RemoteException refused = attempt.refused();
                Instant now = clock.instant();
                if (refused.failure() != Failure.LOCKED || attempt.failedOtherwise() || !now.isBefore(deadline)) {
                    throw waiting != null && refused.failure() == Failure.LOCKED ? new RemoteException(refused.host(), Failure.LOCKED,
                            attempt.busy() + "; nothing was changed (waited " + format(claim.lockWait()) + ")") : refused;
                }
                if (waiting == null) {
                    say.accept("[" + refused.host() + "] " + attempt.busy() + "; waiting up to " + format(claim.lockWait()) + " for the nodes' locks");
                    waiting = activity.waitFor("the nodes' locks (up to " + format(claim.lockWait()) + ")");
                }
                Duration left = Duration.between(now, deadline);
                try {
                    sleeper.sleep(left.compareTo(POLL) < 0 ? left : POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RemoteException(refused.host(), Failure.LOCKED, "interrupted while waiting for the node's lock");
                }
            }
        } finally {
            if (waiting != null) {
                waiting.close();
            }
        }
    }

    /**
     * One try on every node: the locks, or the first refusal (a lock held by another run before any
     * other failure), who holds it, and whether a node also failed otherwise (then waiting is no use).
     */
    private record Attempt(NodeLocks locks, RemoteException refused, String busy, boolean failedOtherwise) {
    }

    private static Attempt tryTake(List<Host> reached, Holder me, int concurrency, Consumer<String> say, Clock clock, Function<String, String> also) {
        List<Object> answers = Parallel.map(reached, concurrency, host -> {
            try {
                String more = also.apply(host.name());
                Duration timeout = more.isEmpty() ? TIMEOUT : TIMEOUT_WITH_ALSO;
                Answer a = parse(host.name(), host.run(Command.shell(takeScript(me, Optional.empty(), more)), timeout));
                // A run of this machine that is not running anymore (killed, its heartbeat not yet stale) holds nothing.
                Optional<Holder> dead = a.holder().filter(h -> a.state().equals("held") && h.host().equals(me.host()) && !h.runsHere());
                return dead.isEmpty() ? a : parse(host.name(), host.run(Command.shell(takeScript(me, dead.map(Holder::run), more)), timeout));
            } catch (RemoteException e) {
                return e;
            }
        });
        List<Host> taken = new ArrayList<>();
        Map<String, String> alsoSaid = new HashMap<>();
        RemoteException refused = null;
        String busy = "";
        boolean failedOtherwise = false;
        Instant now = clock.instant();
        for (int i = 0; i < reached.size(); i++) {
            String node = reached.get(i).name();
            if (answers.get(i) instanceof RemoteException e) {
                refused = refused == null ? e : refused;
                failedOtherwise = true;
                continue;
            }
            Answer a = (Answer) answers.get(i);
            String whose = a.holder().map(h -> h.describe(Optional.of(Duration.ofSeconds(a.age())), now)).orElse("a run whose record is unreadable");
            switch (a.state()) {
                case "held" -> {
                    if (refused == null || refused.failure() != Failure.LOCKED) {
                        busy = "the site is being changed by " + whose;
                        refused = new RemoteException(node, Failure.LOCKED, busy + "; nothing was changed");
                    }
                }
                case "stale" -> {
                    say.accept("[" + node + "] taking over the node's lock of " + whose + ", which ended without releasing it");
                    taken.add(reached.get(i));
                }
                default -> taken.add(reached.get(i));
            }
            a.also().ifPresent(text -> alsoSaid.put(node, text));
        }
        NodeLocks locks = new NodeLocks(me, taken, concurrency, alsoSaid);
        if (refused != null) {
            locks.close();
            return new Attempt(null, refused, busy, failedOtherwise);
        }
        return new Attempt(locks, null, "", false);
    }

    /**
     * Starts giving this run's lock back on these nodes, when the run has nothing more to do on
     * them (their session with the next run overlaps this run's last steps elsewhere), and returns:
     * the caller's next step (the site's check, say) does not wait for that round trip. The others
     * keep theirs until {@link #close()}, which also waits until these are given back.
     */
    public void release(Collection<String> nodes) {
        List<Host> done;
        synchronized (hosts) {
            // nodes give their locks back from their own threads: each host is taken out, and unlocked, once
            done = hosts.stream().filter(h -> nodes.contains(h.name())).toList();
            hosts.removeAll(done);
        }
        if (done.isEmpty()) {
            return;
        }
        Thread unlocking = new Thread(() -> unlock(done), "oth-node-lock-release");
        unlocking.setDaemon(true);
        releasing.add(unlocking);
        unlocking.start();
    }

    /** Removes this run's record from every node it took (a record of another run stays). */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        for (Thread unlocking : releasing) {
            try {
                // Each unlock is bounded by its command's time limit.
                unlocking.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Host> left;
        synchronized (hosts) {
            left = List.copyOf(hosts);
            hosts.clear();
        }
        unlock(left);
    }

    private void unlock(List<Host> nodes) {
        Parallel.map(nodes, concurrency, host -> {
            try {
                host.run(Command.shell(GUARD + "f=" + FILE + "\n" + RUN_OF_RECORD + "[ \"$run\" = " + Command.quote(me.run()) + " ] && rm -f $f\nexit 0\n"), TIMEOUT);
            } catch (RemoteException e) {
                // The record goes stale and is taken over; the node's connection is what failed.
            }
            return null;
        });
    }

    private void beat() {
        Parallel.map(hosts, concurrency, host -> {
            try {
                host.run(Command.shell("f=" + FILE + "\n" + RUN_OF_RECORD + "[ \"$run\" = " + Command.quote(me.run()) + " ] && touch $f\nexit 0\n"), TIMEOUT);
            } catch (RemoteException e) {
                // A missed beat is made up by the next; a node lost for longer than STALE has its own failure.
            }
            return null;
        });
    }

    /**
     * Under the guard: a record of another run younger than {@link #STALE} is "held"; an older one,
     * or one of the {@code dead} run, is "stale" and replaced; none (or this run's own) is "free"
     * and written. The old record is printed, at most {@link Holder#MAX_BYTES}, after the state and
     * its age in seconds.
     */
    static String takeScript(Holder me, Optional<String> dead) {
        return takeScript(me, dead, "");
    }

    /** {@link #takeScript(Holder, Optional)}, then, once the lock is this run's, {@code also} after a line of its own. */
    static String takeScript(Holder me, Optional<String> dead, String also) {
        return GUARD + "f=" + FILE + "\nstate=free; age=0\n"
                + "if [ -s $f ]; then\n"
                + "  age=$(( $(date +%s) - $(stat -c %Y $f) ))\n"
                + "  " + RUN_OF_RECORD
                + "  if [ \"$run\" = " + Command.quote(me.run()) + " ]; then state=free\n"
                + "  elif [ \"$run\" = " + Command.quote(dead.orElse("-")) + " ]; then state=stale\n"
                + "  elif [ $age -lt " + STALE.toSeconds() + " ]; then state=held\n"
                + "  else state=stale; fi\n"
                + "fi\n"
                + "echo \"$state $age\"\n"
                + "[ $state = free ] || head -c " + Holder.MAX_BYTES + " $f\n"
                + "[ $state = held ] && exit 0\n"
                + "printf %s " + Command.quote(me.render()) + " > $f.new && mv -f $f.new $f || exit $?\n"
                + (also.isEmpty() ? "" : "exec 9>&-\nprintf '\\n%s\\n' '" + ALSO + "'\n" + also + "\nexit 0\n");
    }

    /** A node's answer to {@link #takeScript}: untrusted text, read with bounds. */
    static Answer parse(String node, CommandResult r) throws RemoteException {
        if (!r.ok()) {
            throw new RemoteException(node, Failure.COMMAND_FAILED, "cannot take the node's lock (" + FILE + "): " + r.diagnostic());
        }
        String out = r.stdout();
        Optional<String> also = Optional.empty();
        int mark = out.indexOf("\n" + ALSO + "\n");
        if (mark >= 0) {
            also = Optional.of(out.substring(mark + ALSO.length() + 2));
            out = out.substring(0, mark);
        }
        int newline = out.indexOf('\n');
        String first = newline < 0 ? out : out.substring(0, newline);
        String[] words = first.split(" ");
        if (words.length != 2 || !words[0].matches("free|held|stale") || !words[1].matches("-?[0-9]{1,12}")
                || out.length() > first.length() + 1 + Holder.MAX_BYTES) {
            throw new RemoteException(node, Failure.COMMAND_FAILED, "the node's answer about its lock (" + FILE + ") is not one oth writes");
        }
        Optional<Holder> holder = newline < 0 ? Optional.empty() : Holder.parse(out.substring(newline + 1));
        return new Answer(words[0], Long.parseLong(words[1]), holder, words[0].equals("held") ? Optional.empty() : also);
    }

    private static String format(Duration d) {
        return Durations.format(d.withNanos(0));
    }
}
