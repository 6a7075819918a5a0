package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.NodeText;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Something a node must start when it boots: a systemd unit enabled, or, where no systemd runs, a
 * Debian init script with a start link in its runlevel. Install sets it, doctor reads it, with the
 * same one-line answer: the init system and the state, {@code systemd enabled}, {@code systemd
 * disabled}, {@code systemd masked}, {@code sysv enabled}, {@code sysv disabled}.
 *
 * @param unit   the systemd unit
 * @param script the init script's name in /etc/init.d
 * @param level  the runlevel of its start link ({@code S} for rcS)
 */
public record AtBoot(String unit, String script, String level) {
    /** systemctl is-enabled's states of a unit that starts at boot (or that something else starts: static, generated). */
    private static final Set<String> STARTS = Set.of("enabled", "static", "generated", "alias");
    private static final String ENABLED = "enabled";

    public AtBoot {
        for (String name : new String[] {unit, script}) {
            if (!name.matches("[a-z][a-z0-9.@-]{0,63}")) {
                throw new IllegalArgumentException("not a service name: " + name);
            }
        }
        if (!level.matches("[S2-5]")) {
            throw new IllegalArgumentException("not a runlevel: " + level);
        }
    }

    /** A service oth runs: systemd's unit and Debian's init script of the same name, started in the default runlevel. */
    public static AtBoot service(String name) {
        return new AtBoot(name, name, InitSystem.SYSV_RUNLEVEL);
    }

    /** The shell that prints the one line: shell builtins but for one systemctl, not exiting the shell. */
    public String test() {
        return "if " + InitSystem.SYSTEMD_RUNS + "; then _oth_b=$(systemctl is-enabled " + Command.quote(unit) + " 2>/dev/null); echo \"systemd ${_oth_b:-unknown}\";"
                + " else if " + InitSystem.sysvLinked(script, level) + "; then echo 'sysv " + ENABLED + "'; else echo 'sysv disabled'; fi; fi";
    }

    public Probe probe(String key) {
        return Probe.inShell(key, test());
    }

    /** How the node is made to start it at boot, as a plan and doctor's hint say it. */
    public String how(InitSystem init) {
        return init == InitSystem.SYSTEMD ? "systemctl enable " + unit : "update-rc.d " + script + " defaults";
    }

    /** The command that does {@link #how}, checked: where no systemd runs it fails, saying so, when no start link was made. */
    public String command(InitSystem init) {
        return init == InitSystem.SYSTEMD ? "systemctl enable " + Command.quote(unit) : InitSystem.sysvLink(script, level);
    }

    /**
     * The change that makes the node start it at boot ({@link #command}, failing as {@code failing}
     * within {@code timeout}), or, for a unit systemd has masked, a refusal saying {@code maskedWhy}:
     * someone meant it never to start, and oth does not unmask it behind their back.
     */
    public Change enabling(InitSystem init, Said said, String summary, String failing, Duration timeout, String maskedWhy) {
        if (said.masked()) {
            return Change.refusal(summary, maskedWhy);
        }
        return Change.of(summary, context -> context.runOrFail(Command.shell(command(init)), timeout, failing));
    }

    /** What starts it: the unit, or the init script. */
    public String starter(InitSystem init) {
        return init == InitSystem.SYSTEMD ? unit : "/etc/init.d/" + script;
    }

    /** The answer to {@link #test}, if the node gave one (none: unknown). */
    public static Said said(Probe.Answer answer) {
        return said(answer == null ? "" : answer.output());
    }

    /** The answer to {@link #test}: read from its first line, a node's words, bounded and shown safely. */
    public static Said said(String output) {
        String line = output.strip().lines().findFirst().orElse("");
        int space = line.indexOf(' ');
        Optional<InitSystem> init = InitSystem.parse(space < 0 ? line : line.substring(0, space));
        String state = space < 0 ? "" : line.substring(space + 1).strip();
        return new Said(init, state.isEmpty() ? "unknown" : state.matches("[a-z-]{1,24}") ? state : NodeText.shown(state));
    }

    /**
     * What a node said: its init system, if it named one, and the state, a word of systemctl's
     * (enabled, disabled, masked, ...) or the node's text shown escaped.
     */
    public record Said(Optional<InitSystem> init, String state) {
        /** Whether the node starts it when it boots. */
        public boolean starts() {
            return init.isPresent() && STARTS.contains(state);
        }

        /** Masked by systemd: someone meant it never to start; oth does not unmask. */
        public boolean masked() {
            return init.equals(Optional.of(InitSystem.SYSTEMD)) && state.equals("masked");
        }
    }
}
