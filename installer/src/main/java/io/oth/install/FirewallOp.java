package io.oth.install;

import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;
import io.oth.support.SupportAccess;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node's nftables ruleset, applied so that it can never lock oth out: the node first schedules
 * its own revert to the previous ruleset, then loads the new one; oth confirms only after a fresh
 * SSH connection over the same path succeeds. If none does, the node reverts by itself.
 *
 * <p>/etc/nftables.conf is the only source of rules; a live ruleset that drifted from what oth
 * applied (someone ran {@code nft add ...}) is put back. A support grant that is open survives the
 * reload: the node re-adds its addresses for the rest of the grant ({@link SupportAccess#REOPEN}).
 */
public final class FirewallOp implements Operation {
    static final String PATH = "/etc/nftables.conf";
    private static final String STATE = "/var/lib/oth/firewall";
    private static final String LIVE_SUM = STATE + "/live.sha256";
    /** The live rules without the sets' contents (-t): a support grant adds elements, which is not drift. */
    private static final String LIVE_NOW = "nft -t list ruleset | sha256sum | cut -c1-64";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final String ruleset;
    private final FirewallRules rules;
    private final Duration revertAfter;
    private final FileOp file;

    public FirewallOp(String ruleset, FirewallRules rules, Duration revertAfter) {
        this.ruleset = ruleset;
        this.rules = rules;
        this.revertAfter = revertAfter;
        this.file = FileOp.text(PATH, ruleset, "root:root", "0644");
    }

    @Override
    public String subject() {
        return "firewall " + PATH;
    }

    @Override
    public List<Probe> probes() {
        List<Probe> probes = new ArrayList<>(file.probes());
        probes.add(new Probe("firewall:live", "now=$(" + LIVE_NOW + "); then=$(cat " + LIVE_SUM + " 2>/dev/null);"
                + " [ \"$now\" = \"$then\" ] && echo same || echo drifted"));
        return probes;
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Optional<Change> fileChange = file.plan(answers, notified);
        boolean drifted = !answers.get("firewall:live").output().strip().equals("same");
        if (fileChange.isEmpty() && !drifted) {
            return Optional.empty();
        }
        String why = fileChange.isPresent() ? "apply the new firewall ruleset" : "restore the firewall ruleset (the live rules drifted from " + PATH + ")";
        String warning = rules.lockoutRisk().isEmpty() ? "" : " [WARNING: " + rules.lockoutRisk() + "; the node will revert it]";
        String detail = fileChange.map(Change::detail).orElse("");
        return Optional.of(Change.of(why + " (" + rules.rules().size() + " inbound rules, revert after "
                + revertAfter.toSeconds() + " s unless confirmed)" + warning, detail, Set.of(), this::apply));
    }

    /** Arms the node's own revert, loads the ruleset, and confirms it only over a fresh connection. */
    private void apply(ApplyContext context) throws RemoteException {
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        String pending = "/run/oth-firewall." + token + ".pending";
        String staged = PATH + ".oth-pending";
        context.host().upload(ruleset.getBytes(StandardCharsets.UTF_8), staged, "root:root", "0644", "nft -c -f \"$1\"");
        String revert = "sleep " + revertAfter.toSeconds() + "; if mv " + pending + " " + pending + ".reverting 2>/dev/null; then"
                + " nft -f " + STATE + "/previous.nft; rm -f " + staged + " " + pending + ".reverting;"
                + " echo \"$(date -Is) reverted an unconfirmed ruleset\" >> " + STATE + "/revert.log; fi";
        CommandResult armed = context.host().run(Command.shell("set -e; mkdir -p " + STATE + "; chmod 700 " + STATE + ";"
                + " { echo 'flush ruleset'; nft list ruleset; } > " + STATE + "/previous.nft;"
                + " touch " + pending + ";"
                + " setsid -f sh -c " + Command.quote(revert) + " </dev/null >/dev/null 2>&1;"
                + " nft -f " + staged + ";"
                + " if [ -x " + SupportAccess.REOPEN + " ]; then " + SupportAccess.REOPEN + " || echo 'the open support grant was not restored' >&2; fi"), STEP_TIMEOUT);
        if (!armed.ok()) {
            throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "loading the ruleset: " + armed.diagnostic());
        }
        context.log().accept("new ruleset loaded; proving a fresh SSH connection still gets in");
        try (HostConnection fresh = context.reconnect()) {
            CommandResult confirmed = fresh.host().run(Command.shell("mv " + pending + " " + pending + ".confirmed && mv -f " + staged + " " + PATH
                    + " && " + LIVE_NOW + " > " + LIVE_SUM + " && rm -f " + pending + ".confirmed"), STEP_TIMEOUT);
            if (!confirmed.ok()) {
                throw new RemoteException(context.host().name(), Failure.FIREWALL_REVERTED,
                        "the confirmation came too late; the node restored its previous ruleset: " + confirmed.diagnostic());
            }
        } catch (RemoteException e) {
            if (e.failure() == Failure.FIREWALL_REVERTED) {
                throw e;
            }
            waitForRevert(context, pending);
            throw new RemoteException(context.host().name(), Failure.FIREWALL_REVERTED,
                    "a fresh SSH connection failed under the new ruleset (" + e.failure().summary() + ")"
                            + (rules.lockoutRisk().isEmpty() ? "" : ": " + rules.lockoutRisk())
                            + "; the node restored its previous ruleset and " + PATH + " is unchanged. SSH rules were: "
                            + String.join("; ", rules.rules().stream().filter(r -> r.contains("dport 22 ")).toList()));
        }
    }

    /** Waits, over the still-open session, until the node's own revert has run. */
    private void waitForRevert(ApplyContext context, String pending) throws RemoteException {
        long deadline = System.nanoTime() + revertAfter.plusSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            CommandResult r = context.host().run(Command.shell("[ -e " + pending + " ] || [ -e " + pending + ".reverting ]"), STEP_TIMEOUT);
            if (!r.ok()) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new RemoteException(context.host().name(), Failure.FIREWALL_REVERTED,
                "the node did not revert in time; check its firewall by hand (previous ruleset in " + STATE + "/previous.nft)");
    }
}
