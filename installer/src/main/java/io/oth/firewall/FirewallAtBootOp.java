package io.oth.firewall;

import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.NodeText;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node loads oth's ruleset when it boots. Debian ships nftables.service disabled (its package
 * enables it only where it was enabled before), so a ruleset written to /etc/nftables.conf and
 * loaded live is gone after the node's next restart: every listening port open. With systemd,
 * nftables.service is enabled (it loads the file before the network comes up); where no systemd
 * runs, oth's own init script {@link #SCRIPT} does the same from rcS.
 */
public final class FirewallAtBootOp implements Operation {
    public static final String KEY = "firewall:boot";
    public static final String SERVICE = "nftables.service";
    public static final String SCRIPT = "/etc/init.d/oth-nftables";
    private static final String SCRIPT_NAME = SCRIPT.substring(SCRIPT.lastIndexOf('/') + 1);
    private static final String ENABLED = "enabled";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InitSystem init;

    public FirewallAtBootOp(InitSystem init) {
        this.init = init;
    }

    /**
     * One line: the init system and whether the ruleset is loaded at boot, {@code systemd enabled},
     * {@code systemd disabled}, {@code systemd masked}, {@code sysv enabled}, {@code sysv disabled}.
     * Shell builtins but for one systemctl; for install and doctor alike.
     */
    public static Probe probe(String key) {
        return Probe.inShell(key, "if " + InitSystem.SYSTEMD_RUNS + "; then s=$(systemctl is-enabled " + SERVICE + " 2>/dev/null); echo \"systemd ${s:-unknown}\";"
                + " else if " + InitSystem.sysvLinked(SCRIPT_NAME, "S") + "; then echo 'sysv " + ENABLED + "'; else echo 'sysv disabled'; fi; fi");
    }

    /** Whether the answer says the ruleset is loaded at boot. */
    public static boolean loadedAtBoot(Probe.Answer answer) {
        return answer != null && state(answer).equals(ENABLED);
    }

    /** The init system the answer names first, if it is one. */
    public static Optional<InitSystem> init(Probe.Answer answer) {
        String said = answer.output().strip();
        return InitSystem.parse(said.isEmpty() ? "" : said.split(" ", 2)[0]);
    }

    /** What the node said after its init system's name, bounded and shown safely: enabled, disabled, masked, ... */
    public static String state(Probe.Answer answer) {
        String line = answer.output().strip().lines().findFirst().orElse("");
        int space = line.indexOf(' ');
        String state = space < 0 ? "" : line.substring(space + 1).strip();
        return state.isEmpty() ? "unknown" : state.matches("[a-z-]{1,24}") ? state : NodeText.shown(state);
    }

    /** How the node is made to load the ruleset at boot, as the plan and doctor's hint say it. */
    public static String how(InitSystem init) {
        return init == InitSystem.SYSTEMD ? "systemctl enable " + SERVICE : "update-rc.d " + SCRIPT_NAME + " defaults";
    }

    /** The command that does {@link #how}, checked. */
    private static String command(InitSystem init) {
        return init == InitSystem.SYSTEMD ? how(init) : InitSystem.sysvLink(SCRIPT_NAME, "S");
    }

    @Override
    public String subject() {
        return "the firewall at boot";
    }

    @Override
    public List<Probe> probes() {
        return List.of(probe(KEY));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(KEY);
        if (loadedAtBoot(answer)) {
            return Optional.empty();
        }
        String state = answer == null ? "unknown" : state(answer);
        String summary = "load the firewall at boot (" + how(init) + "; it was " + state + ")";
        if (state.equals("masked")) {
            return Optional.of(Change.refusal(summary, SERVICE + " is masked, so the node would boot without oth's firewall: systemctl unmask " + SERVICE
                    + " (is another firewall manager meant to run here?), then run oth again"));
        }
        return Optional.of(Change.of(summary, context -> context.runOrFail(Command.shell(command(init)), TIMEOUT, "loading the firewall at boot")));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the node loads " + FirewallOp.PATH + " at boot";
    }
}
