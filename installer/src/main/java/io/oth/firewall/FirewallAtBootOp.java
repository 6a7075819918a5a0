package io.oth.firewall;

import io.oth.op.AtBoot;
import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.Probe;

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
    /** nftables.service under systemd; oth's init script from rcS elsewhere, before the network. */
    public static final AtBoot AT_BOOT = new AtBoot(SERVICE, SCRIPT.substring(SCRIPT.lastIndexOf('/') + 1), "S");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InitSystem init;

    public FirewallAtBootOp(InitSystem init) {
        this.init = init;
    }

    @Override
    public String subject() {
        return "the firewall at boot";
    }

    @Override
    public List<Probe> probes() {
        return List.of(AT_BOOT.probe(KEY));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        AtBoot.Said said = AtBoot.said(answers.get(KEY));
        if (said.starts()) {
            return Optional.empty();
        }
        return Optional.of(AT_BOOT.enabling(init, said, "load the firewall at boot (" + AT_BOOT.how(init) + "; it was " + said.state() + ")",
                "loading the firewall at boot", TIMEOUT, SERVICE + " is masked, so the node would boot without oth's firewall: systemctl unmask " + SERVICE
                        + " (is another firewall manager meant to run here?), then run oth again"));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the node loads " + FirewallOp.PATH + " at boot";
    }
}
