package io.oth.op;

import io.oth.progress.Waiting;
import io.oth.remote.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A service that its init system says is not running, yet that left something behind which makes
 * the next start fail the same way: processes of its account (two starts at once once left
 * RabbitMQ's VMs and {@code rabbitmqctl wait} orphans holding the node name in epmd, and every later
 * start failed with {@code duplicate_node_name}), or a pid file naming a process that is gone.
 * Placed just before the service's {@link ServiceOp}, it names what it found and removes it, so
 * that the start that follows starts from clean.
 *
 * <p>Only processes of the service's own user whose command is one of the service's programs are
 * touched, by pid, and both are checked again on the node right before the signal: a pid that was
 * reused in between is left alone. Nothing is touched while the service runs.
 *
 * @param user     the service's account whose leftover processes are stopped, or empty: only the pid file
 * @param programs the process names ({@code /proc/PID/comm}) that belong to the service
 * @param running  the shell test that the service runs, as its {@link ServiceOp} has it
 * @param recovery what to do on the node once leftover processes were stopped, before the start, and
 *                 how the plan says it; empty: nothing
 */
public record HalfStartedOp(String service, InitSystem init, Optional<String> user, Set<String> programs, String pidFile, String running,
                            Optional<Recovery> recovery)
        implements Operation {
    /** A step after an unclean stop ({@code command}, a shell command that must succeed), named in the plan by {@code says}. */
    public record Recovery(String says, String command) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern PROGRAM = Pattern.compile("[A-Za-z0-9._-]{1,15}");
    private static final Pattern PROCESS = Pattern.compile("process ([0-9]{1,10}) (\\S{1,15})");
    private static final Pattern STALE_PID = Pattern.compile("pidfile ([0-9]{1,10})");

    public HalfStartedOp {
        user.ifPresent(u -> {
            if (!ACCOUNT.matcher(u).matches()) {
                throw new IllegalArgumentException("not an account name: " + u);
            }
        });
        programs = Set.copyOf(programs);
        if (!programs.stream().allMatch(p -> PROGRAM.matcher(p).matches())) {
            throw new IllegalArgumentException("not process names: " + programs);
        }
    }

    public HalfStartedOp(String service, InitSystem init, Optional<String> user, Set<String> programs, String pidFile) {
        this(service, init, user, programs, pidFile, init.isRunning(service), Optional.empty());
    }

    /** The same, with the running test of {@code service}. */
    public HalfStartedOp runningAs(ServiceOp service) {
        return new HalfStartedOp(this.service, init, user, programs, pidFile, service.running(), recovery);
    }

    /** The same, doing {@code recovery} after stopping leftover processes. */
    public HalfStartedOp recovering(Recovery recovery) {
        return new HalfStartedOp(service, init, user, programs, pidFile, running, Optional.of(recovery));
    }

    /** Only a pid file: for services whose init script would refuse to start over a stale one. */
    public static HalfStartedOp pidFile(String service, InitSystem init, String pidFile) {
        return new HalfStartedOp(service, init, Optional.empty(), Set.of(), pidFile);
    }

    @Override
    public String subject() {
        return "leftovers of " + service;
    }

    @Override
    public List<Probe> probes() {
        String file = Command.quote(pidFile);
        String processes = user.map(u -> " ps -u " + u + " -o pid=,comm= 2>/dev/null | while read -r p c; do echo \"process $p $c\"; done;").orElse("");
        return List.of(new Probe(key(), "if " + running + "; then echo running; exit 0; fi;"
                + " if [ -f " + file + " ]; then p=$(head -c 32 " + file + " | tr -dc 0-9); if [ -z \"$p\" ] || ! kill -0 \"$p\" 2>/dev/null; then"
                + " echo \"pidfile ${p:-0}\"; fi; fi;" + processes + " true"));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        String out = answers.get(key()).output();
        if (out.lines().anyMatch(l -> l.equals("running"))) {
            return Optional.empty();
        }
        List<Long> pids = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String line : out.lines().toList()) {
            Matcher m = PROCESS.matcher(line);
            if (m.matches() && programs.contains(m.group(2))) {
                pids.add(Long.parseLong(m.group(1)));
                found.add(m.group(2) + " " + m.group(1));
            }
        }
        boolean stalePidFile = out.lines().anyMatch(l -> STALE_PID.matcher(l).matches());
        if (pids.isEmpty() && !stalePidFile) {
            return Optional.empty();
        }
        List<String> what = new ArrayList<>();
        if (!pids.isEmpty()) {
            what.add("stop " + pids.size() + " leftover process(es) of " + user.orElseThrow() + " (" + String.join(", ", found) + ")");
            recovery.ifPresent(r -> what.add(r.says()));
        }
        if (stalePidFile) {
            what.add("remove the stale pid file " + pidFile);
        }
        String summary = service + " is not running but an earlier start left it half-started: " + String.join(", ", what);
        return Optional.of(Change.of(summary, context -> {
            try (Waiting waiting = pids.isEmpty() ? Waiting.NONE : context.host().waitingFor("the leftover " + service + " process(es) to end")) {
                context.runOrFail(Command.shell(repair(pids)), TIMEOUT, "cleaning up " + service);
            }
        }));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return answers.get(key()).output().lines().anyMatch(l -> l.equals("running")) ? service + " runs"
                : service + " is stopped and left no processes or pid file behind";
    }

    /** TERM, up to 10 s, then KILL; each pid only while it still is one of the service's programs under its user. */
    String repair(List<Long> pids) {
        String file = Command.quote(pidFile);
        StringBuilder script = new StringBuilder("if " + running + "; then exit 0; fi;");
        if (!pids.isEmpty()) {
            String list = pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
            String ours = "[ -d /proc/$p ] && [ \"$(stat -c %U /proc/$p 2>/dev/null)\" = " + user.orElseThrow() + " ]"
                    + " && case \"$(cat /proc/$p/comm 2>/dev/null)\" in " + String.join("|", programs.stream().sorted().toList()) + ") true ;; *) false ;; esac";
            script.append(" ours() { ").append(ours).append("; };")
                    .append(" for p in ").append(list).append("; do ours && kill -TERM $p 2>/dev/null; done;")
                    .append(" for i in $(seq 20); do left=; for p in ").append(list).append("; do ours && left=1; done; [ -z \"$left\" ] && break; sleep 0.5; done;")
                    .append(" for p in ").append(list).append("; do ours && kill -KILL $p 2>/dev/null; done; sleep 1;");
            recovery.ifPresent(r -> script.append(" ").append(r.command()).append(" || exit 1;"));
        }
        script.append(" if [ -f ").append(file).append(" ]; then p=$(head -c 32 ").append(file).append(" | tr -dc 0-9);")
                .append(" if [ -z \"$p\" ] || ! kill -0 \"$p\" 2>/dev/null; then rm -f ").append(file).append("; fi; fi");
        return script.toString();
    }

    private String key() {
        return "half-started:" + service;
    }
}
