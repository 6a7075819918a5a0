package io.oth.op;

import io.oth.progress.Waiting;
import io.oth.remote.Command;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service that must run, and be reloaded (or restarted) when a change in the same phase asks
 * for it. Uses systemd where it is PID 1, Debian's {@code service} and init scripts elsewhere.
 *
 * @param running the shell test that the service runs: the init system's, unless {@link #runningWhen} gave a cheaper one
 * @param start how it is started: the init system's way, unless {@link #startingWith} gave a cheaper one
 */
public record ServiceOp(String name, InitSystem init, boolean restartOnChange, String running, String start) implements Operation {
    /** How long a start, restart or reload may take: a start script given to {@link #startingWith} gives up a little before. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    public ServiceOp(String name, InitSystem init, boolean restartOnChange) {
        this(name, init, restartOnChange, init.isRunning(name), init.start(name));
    }

    /**
     * This service, told running by {@code sysvTest} where Debian's init scripts run it: some
     * scripts' {@code status} starts a whole runtime (RabbitMQ's boots an Erlang VM for
     * {@code rabbitmqctl status}, seconds on every run); systemd's answer is cheap and stays.
     */
    public ServiceOp runningWhen(String sysvTest) {
        return init == InitSystem.SYSV ? new ServiceOp(name, init, restartOnChange, sysvTest, start) : this;
    }

    /**
     * This service, started by {@code sysvStart} where Debian's init scripts run it: some scripts
     * boot a whole runtime around their start-stop-daemon call (RabbitMQ's, an Erlang VM before it
     * and another after it). The script must return once the service is up, or fail saying why,
     * within {@link #TIMEOUT}. Restarts and reloads stay the init script's; systemd's start stays.
     */
    public ServiceOp startingWith(String sysvStart) {
        return init == InitSystem.SYSV ? new ServiceOp(name, init, restartOnChange, running, sysvStart) : this;
    }

    /**
     * A shell test that something listens on TCP {@code port}, on any address, IPv4 or IPv6: the
     * kernel's socket tables read with shell builtins only, so that a wait may ask it every few
     * tenths of a second without starting a process each time ({@code ss | grep} would be two).
     */
    public static String listening(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        String hex = String.format("%04X", port);
        return "{ _oth_l=1; for _oth_t in /proc/net/tcp /proc/net/tcp6; do [ -r $_oth_t ] || continue; "
                + "while read -r _oth_x _oth_a _oth_y _oth_s _oth_z; do case $_oth_a:$_oth_s in *:" + hex + ":0A) _oth_l=0; break ;; esac; done <$_oth_t; "
                + "[ $_oth_l = 0 ] && break; done; [ $_oth_l = 0 ]; }";
    }

    /**
     * A shell test that the process a pid file names is alive and is {@code program} (its
     * {@code /proc/PID/comm}): read from /proc, no status command run. The pid file is read bounded
     * and digits only, as a node's word.
     */
    public static String pidFileNames(String pidFile, String program) {
        return pid(pidFile, "{ read -r c < /proc/$p/comm; } 2>/dev/null && [ \"$c\" = " + program + " ]");
    }

    /**
     * A shell test that the process a pid file names is alive: what {@code start-stop-daemon
     * --status --pidfile} answers for oth's own init scripts, without the dozen processes that
     * {@code service NAME status} starts to ask it.
     */
    public static String pidFileAlive(String pidFile) {
        return pid(pidFile, "[ -d /proc/$p ]");
    }

    /** {@code test} with {@code $p} the pid in {@code pidFile}, digits only; shell builtins only, so no process is started. */
    private static String pid(String pidFile, String test) {
        return "p= c=; { read -r p < " + pidFile + "; } 2>/dev/null; case $p in ''|*[!0-9]*) false ;; *) " + test + " || false ;; esac";
    }

    @Override
    public String subject() {
        return "service " + name;
    }

    @Override
    public List<Probe> probes() {
        return List.of(runningProbe(), atBoot().probe(bootKey()));
    }

    /** Where the node starts this service when it boots: its systemd unit, or its init script's start link in runlevel 2. */
    public AtBoot atBoot() {
        return AtBoot.service(name);
    }

    /** Whether the service runs, under {@link #key()}: for operations that must not talk to a stopped one. */
    public Probe runningProbe() {
        // Every test given here (the init system's, or a pid file's) is a list of commands that do not exit the shell.
        return Probe.inShell(key(), running);
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        boolean running = answers.get(key()).ok();
        Optional<Change> now = planNow(running, notified);
        // A node starts at boot what is enabled (systemd) or linked into its runlevel (Debian's init scripts): Debian's own
        // packages enable theirs, oth's are enabled here, and so is one disabled by hand. systemd's start enables too.
        Probe.Answer answer = answers.get(bootKey());
        AtBoot.Said said = AtBoot.said(answer);
        if (answer == null || said.starts() || init == InitSystem.SYSTEMD && !running && !said.masked()) {
            return now;
        }
        String summary = "start " + name + " at boot (" + atBoot().how(init) + "; it was " + said.state() + ")";
        Change enable = atBoot().enabling(init, said, summary, summary, TIMEOUT, name + " is masked, so the node would not start it when it boots:"
                + " systemctl unmask " + name + " (was it masked on purpose?), then run oth again");
        if (said.masked()) {
            return Optional.of(enable); // the refusal alone: nothing of the service is done
        }
        return Optional.of(now.map(change -> Change.of(change.summary() + "; " + summary, change.detail(), change.notifies(), context -> {
            change.apply(context);
            enable.apply(context);
        })).orElse(enable));
    }

    private Optional<Change> planNow(boolean running, Set<String> notified) {
        if (!running) {
            return Optional.of(action("start", start, true));
        }
        if (notified.contains(name)) {
            return restartOnChange ? Optional.of(action("restart", init.restart(name), true)) : Optional.of(action("reload", init.reload(name), false));
        }
        return Optional.empty();
    }

    private String bootKey() {
        return "service-boot:" + name;
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "running, and no change of this phase asks for a " + (restartOnChange ? "restart" : "reload");
    }

    /**
     * What a start or restart of {@code service} tells the operations after it in the phase
     * ({@link Change#notifies}): the service has just read its configuration and certificates.
     */
    public static String started(String service) {
        return "started:" + service;
    }

    /** Starting a service is waiting for it: an init script returns once the service runs (or gives up). */
    private Change action(String verb, String script, boolean starts) {
        Set<String> tells = starts ? Set.of(started(name)) : Set.of();
        return Change.of(verb + " " + name, "", tells, context -> {
            try (Waiting waiting = context.host().waitingFor(name + " to " + verb)) {
                context.runOrFail(Command.shell(script), TIMEOUT, verb + " " + name);
            } catch (RemoteException e) {
                throw PortHolders.named(context, e);
            }
        });
    }

    /** The key of this service's probe: whether it runs. */
    public String key() {
        return "service:" + name;
    }
}
