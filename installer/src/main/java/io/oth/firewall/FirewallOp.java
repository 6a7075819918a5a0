package io.oth.firewall;


import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.FileOp;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;

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
 * <p>/etc/nftables.conf is the only source of oth's table ({@link #TABLE}); a live table that drifted
 * from what oth applied (someone ran {@code nft add ...}) is put back. Other programs' tables are left
 * as they are: what they accept still meets oth's default drop. A support grant that is open survives the
 * reload: the node re-adds its addresses for the rest of the grant ({@link #SUPPORT_REOPEN}).
 *
 * <p>The node's own revert is not a runner-driven undo ({@link Change#undo()}, {@code phase.Rollback}):
 * it must work when oth can no longer reach the node, which is exactly when those cannot run.
 */
public final class FirewallOp implements Operation {
    /** Where an open support grant keeps the script that re-adds its addresses after a ruleset reload (oth support open writes it). */
    public static final String SUPPORT_REOPEN = "/var/lib/oth/support/reopen";

    public static final String PATH = "/etc/nftables.conf";
    private static final String STATE = "/var/lib/oth/firewall";
    private static final String LIVE_SUM = STATE + "/live.sha256";
    /** oth's own table: the only one it writes, compares and restores; other programs' tables are theirs. */
    public static final String TABLE = "table inet oth";
    /** oth's live table without the sets' contents (-t): a support grant adds elements, which is not drift. None: an empty listing. */
    private static final String LIVE_TABLE = "nft -t list " + TABLE + " 2>/dev/null";
    private static final String LIVE_NOW = LIVE_TABLE + " | sha256sum | cut -c1-64";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final String PENDING = "/run/oth-firewall.";
    private static final String STAGED = PATH + ".oth-pending.";
    private static final String REMOVED = "removed ";
    private static final String DISARMED = "disarmed ";
    /** The runs whose node-side revert is still armed: their tokens, one per line. */
    static final String ARMED = "firewall:armed";
    /** An apply's token: {@link RunFiles}' 8 random bytes in hex. A node's line that is not one names no file of oth's. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[0-9a-f]{16}");
    /** More armed reverts than runs a node could have seen in a revert's lifetime are not read further. */
    private static final int MAX_ARMED = 64;
    /** How the node's revert records a failed {@code nft -f}, its error after it. */
    private static final String RESTORE_FAILED = "restore FAILED: ";

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
        // sha256sum prints "SUM  -": the first word is what LIVE_NOW keeps. The kept sum is read by the shell itself.
        probes.add(Probe.inShell("firewall:live", "now=$(" + LIVE_TABLE + " | sha256sum); now=${now%% *}; then=; { read -r then <" + LIVE_SUM + "; } 2>/dev/null;"
                + " [ \"$now\" = \"$then\" ] && echo same || echo drifted"));
        probes.add(Probe.inShell(ARMED, "for f in " + PENDING + "*.pending; do [ -e \"$f\" ] || continue; f=${f#" + PENDING + "}; echo \"${f%.pending}\"; done"));
        return probes;
    }

    /**
     * The reverts armed on the node, from {@link #ARMED}'s answer: under this run's lock of the node,
     * those of runs that ended (were killed) before they confirmed their ruleset. Lines that are not
     * a token are not oth's and are left alone.
     */
    static List<String> armed(Probe.Answer answer) {
        if (answer == null) {
            return List.of();
        }
        return answer.output().lines().map(String::strip).filter(l -> TOKEN.matcher(l).matches()).distinct().limit(MAX_ARMED).toList();
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Optional<Change> fileChange = file.plan(answers, notified);
        boolean drifted = !answers.get("firewall:live").output().strip().equals("same");
        List<String> armed = armed(answers.get(ARMED));
        if (fileChange.isEmpty() && !drifted) {
            return armed.isEmpty() ? Optional.empty() : Optional.of(Change.of(disarming(armed), context -> disarm(context, armed)));
        }
        String why = fileChange.isPresent() ? "apply the new firewall ruleset" : "restore the firewall ruleset (the live rules drifted from " + PATH + ")";
        String warning = rules.lockoutRisk().isEmpty() ? "" : " [WARNING: " + rules.lockoutRisk() + "; the node will revert it]";
        String detail = fileChange.map(Change::detail).orElse("");
        String summary = why + " (" + rules.rules().size() + " inbound rules, revert after " + revertAfter.toSeconds() + " s unless confirmed)" + warning;
        if (armed.isEmpty()) {
            return Optional.of(Change.of(summary, detail, Set.of(), this::apply));
        }
        // The earlier run's revert first: armed, it would restore the ruleset from before that run over this one.
        return Optional.of(Change.of(disarming(armed) + "; " + summary, detail, Set.of(), context -> {
            disarm(context, armed);
            apply(context);
        }));
    }

    private static String disarming(List<String> armed) {
        return "take back the firewall revert of an earlier run that ended before confirming its ruleset (run " + String.join(", ", armed) + ")";
    }

    /**
     * Takes back the node-side reverts that earlier runs armed and never confirmed: this run holds
     * the node's lock, so their runs have ended (killed, or cut off). Left armed, each would restore
     * the ruleset from before its run, over whatever this run sets. As a confirmation does, it goes
     * over a fresh SSH connection: only when the live ruleset lets oth in anew is a revert no longer
     * needed. A fresh connection that fails leaves them armed (they restore the earlier ruleset
     * by themselves), and the phase fails. Their files go with them.
     */
    private void disarm(ApplyContext context, List<String> armed) throws RemoteException {
        context.log().accept("an earlier run left its firewall revert armed; proving a fresh SSH connection gets in before taking it back");
        StringBuilder script = new StringBuilder();
        for (String token : armed) {
            // rm fails when the revert has just taken its marker (it is restoring): that one is not taken back.
            script.append("rm -- ").append(PENDING).append(token).append(".pending 2>/dev/null && echo ").append(DISARMED).append(token).append("; ");
        }
        script.append(earlierRuns("-")).append("; :");
        CommandResult r;
        try (HostConnection fresh = context.reconnect()) {
            r = fresh.host().run(Command.shell(script.toString()), STEP_TIMEOUT);
        } catch (RemoteException e) {
            throw new RemoteException(context.host().name(), e.failure(), "a fresh SSH connection failed under the live ruleset, which an earlier run loaded"
                    + " and never confirmed (" + e.failure().summary() + "): its revert stays armed and restores the ruleset from before that run by itself");
        }
        if (!r.ok()) {
            throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "taking back an earlier run's firewall revert: " + r.diagnostic());
        }
        // Only the tokens asked about count: whatever else the node printed is not a revert taken back.
        List<String> taken = r.stdout().lines().filter(l -> l.startsWith(DISARMED)).map(l -> l.substring(DISARMED.length()).strip()).filter(armed::contains)
                .distinct().toList();
        List<String> restoring = armed.stream().filter(t -> !taken.contains(t)).toList();
        context.log().accept("took back the revert of run " + (taken.isEmpty() ? "(none)" : String.join(", ", taken))
                + (restoring.isEmpty() ? "" : "; already restoring, left to finish: " + String.join(", ", restoring)));
        sayRemoved(context, r.stdout());
    }

    /** What {@link #earlierRuns} printed it removed, said in the run's log. */
    private static void sayRemoved(ApplyContext context, String stdout) {
        List<String> removed = stdout.lines().filter(l -> l.startsWith(REMOVED)).map(l -> NodeText.shown(l.substring(REMOVED.length()))).toList();
        if (!removed.isEmpty()) {
            context.log().accept("removed the firewall files of earlier runs: " + String.join(", ", removed));
        }
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return PATH + " is already this ruleset and the live rules have not drifted from it";
    }

    /**
     * Arms the node's own revert, loads the ruleset, and confirms it only over a fresh connection.
     * Every file of one apply carries its own random token, so that two runs cannot make one revert
     * restore the other's new ruleset; the files of earlier applies whose revert is no longer armed
     * are removed first.
     */
    private void apply(ApplyContext context) throws RemoteException {
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        RunFiles files = new RunFiles(HexFormat.of().formatHex(random));
        context.host().upload(ruleset.getBytes(StandardCharsets.UTF_8), files.staged, "root:root", "0644", "nft -c -f \"$1\"");
        String revert = revertScript(files, revertAfter);
        CommandResult armed = context.host().run(Command.shell("set -e; mkdir -p " + STATE + "; chmod 700 " + STATE + ";"
                + " " + earlierRuns(files.token) + ";"
                + " { echo '" + TABLE + "'; echo 'delete " + TABLE + "'; nft list " + TABLE + " 2>/dev/null || true; } > "
                + files.previous + ";"
                + " touch " + files.pending + ";"
                + " setsid -f sh -c " + Command.quote(revert) + " </dev/null >/dev/null 2>&1;"
                + " nft -f " + files.staged + ";"
                + " if [ -x " + SUPPORT_REOPEN + " ]; then " + SUPPORT_REOPEN + " || echo 'the open support grant was not restored' >&2; fi"), STEP_TIMEOUT);
        if (!armed.ok()) {
            throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "loading the ruleset: " + armed.diagnostic());
        }
        sayRemoved(context, armed.stdout());
        context.log().accept("new ruleset loaded; proving a fresh SSH connection still gets in");
        try (HostConnection fresh = context.reconnect()) {
            CommandResult confirmed = fresh.host().run(Command.shell("mv " + files.pending + " " + files.pending + ".confirmed && mv -f " + files.staged + " " + PATH
                    + " && " + LIVE_NOW + " > " + LIVE_SUM + " && rm -f " + files.pending + ".confirmed"), STEP_TIMEOUT);
            if (!confirmed.ok()) {
                String outcome = waitForRevert(fresh.host(), files);
                throw new RemoteException(context.host().name(), Failure.FIREWALL_REVERTED,
                        "the confirmation came too late; " + outcome + " (" + confirmed.diagnostic() + ")");
            }
        } catch (RemoteException e) {
            if (e.failure() == Failure.FIREWALL_REVERTED || e.failure() == Failure.FIREWALL_REVERT_FAILED) {
                throw e;
            }
            String failed = "a fresh SSH connection failed under the new ruleset (" + e.failure().summary() + ")"
                    + (rules.lockoutRisk().isEmpty() ? "" : ": " + rules.lockoutRisk());
            String outcome;
            try {
                // The session oth already has still gets in: the node's revert is run now over it,
                // not after its timer (the same script: whichever takes the pending marker first
                // restores, the other finds nothing to do).
                context.host().run(Command.shell(revertScript(files, Duration.ZERO)), STEP_TIMEOUT);
                outcome = waitForRevert(context.host(), files);
            } catch (RemoteException lost) {
                if (lost.failure() == Failure.FIREWALL_REVERT_FAILED) {
                    throw lost;
                }
                throw new RemoteException(context.host().name(), lost.failure(), failed + ", and the node no longer answers on the session"
                        + " oth had (" + lost.getMessage() + "): it restores its previous ruleset by itself " + revertAfter.toSeconds()
                        + " s after loading the new one and records the outcome in " + files.log);
            }
            throw new RemoteException(context.host().name(), Failure.FIREWALL_REVERTED, failed
                    + "; " + outcome + " and " + PATH + " is unchanged. SSH rules were: "
                    + String.join("; ", rules.rules().stream().filter(r -> r.contains("dport " + rules.sshPort() + " ")).toList()));
        }
    }

    /**
     * Removes the per-apply files of earlier runs whose revert is no longer armed (no pending marker
     * in /run: confirmed, reverted, or the node rebooted since), printing each; never this apply's.
     */
    static String earlierRuns(String token) {
        return "for f in " + STATE + "/previous.*.nft " + STATE + "/revert.*.outcome " + STAGED + "*; do"
                + " [ -e \"$f\" ] || continue; t=${f##*/}; t=${t#previous.}; t=${t#revert.}; t=${t#nftables.conf.oth-pending.}; t=${t%.nft}; t=${t%.outcome};"
                + " [ \"$t\" = " + token + " ] && continue;"
                + " if [ ! -e " + PENDING + "\"$t\".pending ] && [ ! -e " + PENDING + "\"$t\".pending.reverting ]; then rm -f -- \"$f\" && echo \"" + REMOVED + "$f\"; fi; done";
    }

    /**
     * What the node runs by itself after {@code after} unless oth confirmed first: the previous
     * ruleset back, and its own {@code nft -f} result recorded, in the outcome file and revert.log.
     */
    static String revertScript(RunFiles files, Duration after) {
        return "sleep " + after.toSeconds() + "; if mv " + files.pending + " " + files.pending + ".reverting 2>/dev/null; then"
                + " if out=$(nft -f " + files.previous + " 2>&1); then r=ok; else r=\"" + RESTORE_FAILED + "$(printf '%s' \"$out\" | tr '\\n' ' ')\"; fi;"
                + " printf '%s\\n' \"$r\" > " + files.outcome + "; rm -f " + files.staged + ";"
                + " echo \"$(date -Is) run " + files.token + ": reverted an unconfirmed ruleset: $r\" >> " + files.log + ";"
                + " rm -f " + files.pending + ".reverting; fi";
    }

    /**
     * Waits, over a session that still works, until the node's own revert has run, and says what
     * it recorded: success only when the node says its {@code nft -f} succeeded. A failed restore is
     * {@link Failure#FIREWALL_REVERT_FAILED}, with what is live now.
     */
    private String waitForRevert(Host host, RunFiles files) throws RemoteException {
        long deadline = System.nanoTime() + revertAfter.plusSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            CommandResult r = host.run(Command.shell("[ -e " + files.pending + " ] || [ -e " + files.pending + ".reverting ]"), STEP_TIMEOUT);
            if (!r.ok()) {
                return revertOutcome(host, files);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new RemoteException(host.name(), Failure.FIREWALL_REVERT_FAILED,
                "the node did not revert in time; check its firewall by hand (previous ruleset in " + files.previous + "); live ruleset now: " + live(host, rules.sshPort()));
    }

    private String revertOutcome(Host host, RunFiles files) throws RemoteException {
        CommandResult r = host.run(Command.shell("cat " + files.outcome), STEP_TIMEOUT);
        String outcome = r.ok() ? r.stdout().strip() : "";
        if (outcome.equals("ok")) {
            return "the node restored its previous ruleset";
        }
        String why = outcome.startsWith(RESTORE_FAILED) ? "the restore failed: " + NodeText.shown(outcome.substring(RESTORE_FAILED.length()))
                : "it recorded no outcome in " + files.outcome + " (" + r.diagnostic() + ")";
        throw new RemoteException(host.name(), Failure.FIREWALL_REVERT_FAILED, why + "; live ruleset now: " + live(host, rules.sshPort())
                + "; the ruleset it should have restored is " + files.previous);
    }

    /** A few lines that say what the live ruleset lets in: its tables, the input hook and the SSH rules. */
    private static String live(Host host, int sshPort) throws RemoteException {
        CommandResult r = host.run(Command.shell("nft -t list ruleset 2>&1 | grep -E '^table|hook input|dport " + sshPort + "( |$)' | sed 's/^[[:space:]]*//' | head -n 20"),
                STEP_TIMEOUT);
        String lines = String.join("; ", r.stdout().lines().map(NodeText::shown).toList());
        return lines.isEmpty() ? "an empty ruleset (everything is let in)" : lines;
    }

    /** The files of one apply, all named by its token. */
    record RunFiles(String token, String pending, String staged, String previous, String outcome, String log) {
        RunFiles(String token) {
            this(token, PENDING + token + ".pending", STAGED + token, STATE + "/previous." + token + ".nft", STATE + "/revert." + token + ".outcome",
                    STATE + "/revert.log");
        }
    }
}
