package io.oth.firewall;

import io.oth.op.ApplyContext;
import io.oth.op.Change;
import io.oth.op.Probe;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oth's side of a firewall apply whose ruleset keeps it out: what it reports once the node's own
 * revert has run. The node-side revert script itself is {@link FirewallRevertTest}'s.
 */
class FirewallOpTest {
    private static final FirewallRules RULES = new FirewallRules(List.of("ip saddr 10.77.0.10 tcp dport 22 accept"), List.of(), Set.of("10.77.0.10"), 22,
            false, "");
    /** What the node's revert records when its own {@code nft -f} of the previous ruleset fails. */
    private static final String FAILED_OUTCOME = "restore FAILED: /var/lib/oth/firewall/previous.nft:3:1-5: Error: syntax error\u001b[2J\rrestored";
    /** What is live on the node now: the new ruleset, which drops oth's SSH. */
    private static final String LIVE = "table inet filter\nchain input { type filter hook input priority filter; policy drop;\n";

    private final List<String> said = new ArrayList<>();

    /** A node whose node-side revert has already run (no pending marker) and recorded {@code outcome}. */
    private static RecordingHost reverted(String outcome) {
        return new RecordingHost("storage")
                .failWhen("[ -e /run/oth-firewall.", "")
                .when("cat /var/lib/oth/firewall/revert.", new CommandResult(0, outcome + "\n", ""))
                .when("nft -t list ruleset 2>&1 | grep", new CommandResult(0, LIVE, ""));
    }

    private ApplyContext context(Host host, Reconnect reconnect) {
        return new ApplyContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public HostConnection reconnect() throws RemoteException {
                return reconnect.get();
            }

            @Override
            public Consumer<String> log() {
                return said::add;
            }
        };
    }

    @FunctionalInterface
    private interface Reconnect {
        HostConnection get() throws RemoteException;
    }

    private static Change planned() {
        FirewallOp op = new FirewallOp("table inet filter {}\n", RULES, Duration.ofSeconds(10));
        return op.plan(Map.of("file:" + FirewallOp.PATH, new Probe.Answer(0, "absent"), "firewall:live", new Probe.Answer(0, "same")), Set.of())
                .orElseThrow();
    }

    /** What a node says for a live ruleset that is the file's, with {@code armed} as {@link FirewallOp#ARMED}'s answer. */
    private static Map<String, Probe.Answer> unchangedWith(String armed) {
        String ruleset = "table inet filter {}\n";
        return Map.of("file:" + FirewallOp.PATH, new Probe.Answer(0, io.oth.op.FileOp.sha256(ruleset.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "\nroot:root 644"),
                "firewall:live", new Probe.Answer(0, "same"), FirewallOp.ARMED, new Probe.Answer(0, armed));
    }

    @Test
    void onlyTokensOfOthsOwnApplesAreTakenAsArmedReverts() {
        assertEquals(List.of("0123456789abcdef", "fedcba9876543210"), FirewallOp.armed(new Probe.Answer(0,
                "0123456789abcdef\n$(reboot)\n../../etc/passwd\n0123456789ABCDEF\nfedcba9876543210\n0123456789abcdef\n0123\n")));
        assertEquals(List.of(), FirewallOp.armed(null));
    }

    @Test
    void aRevertThatAKilledRunLeftArmedIsTakenBackOverAFreshConnectionEvenWhenTheRulesetIsAsWanted() throws Exception {
        FirewallOp op = new FirewallOp("table inet filter {}\n", RULES, Duration.ofSeconds(10));
        assertTrue(op.plan(unchangedWith(""), Set.of()).isEmpty(), "nothing armed, nothing to do");
        Change change = op.plan(unchangedWith("0123456789abcdef\n"), Set.of()).orElseThrow();
        assertTrue(change.summary().startsWith("take back the firewall revert of an earlier run that ended before confirming its ruleset (run 0123456789abcdef)"),
                change.summary());
        RecordingHost session = new RecordingHost("storage");
        RecordingHost fresh = new RecordingHost("storage").when("rm -- /run/oth-firewall.0123456789abcdef.pending", new CommandResult(0,
                "disarmed 0123456789abcdef\nremoved /etc/nftables.conf.oth-pending.0123456789abcdef\n", ""));
        change.apply(context(session, () -> HostConnection.of(fresh, () -> { })));
        assertEquals(List.of(), session.commands(), "nothing goes over the run's own session");
        assertTrue(fresh.commands().get(0).contains("rm -- /run/oth-firewall.0123456789abcdef.pending"), fresh.commands().toString());
        assertTrue(said.contains("took back the revert of run 0123456789abcdef"), said.toString());
        assertTrue(said.contains("removed the firewall files of earlier runs: \"/etc/nftables.conf.oth-pending.0123456789abcdef\""), said.toString());
    }

    @Test
    void aFreshConnectionThatFailsLeavesTheEarlierRevertArmed() {
        FirewallOp op = new FirewallOp("table inet filter {}\n", RULES, Duration.ofSeconds(10));
        Change change = op.plan(unchangedWith("0123456789abcdef\n"), Set.of()).orElseThrow();
        RecordingHost session = new RecordingHost("storage");
        RemoteException e = assertThrows(RemoteException.class, () -> change.apply(context(session, () -> {
            throw new RemoteException("storage", Failure.CONNECTION_LOST, "the live ruleset drops SSH");
        })));
        assertTrue(e.getMessage().contains("its revert stays armed and restores the ruleset from before that run by itself"), e.getMessage());
        assertEquals(List.of(), session.commands(), "nothing was taken back");
    }

    @Test
    void aFreshConnectionThatFailsAndARestoreThatFailedIsReportedLoudlyWithWhatIsLiveNow() {
        RecordingHost node = reverted(FAILED_OUTCOME);
        RemoteException e = assertThrows(RemoteException.class, () -> planned().apply(context(node, () -> {
            throw new RemoteException("storage", Failure.CONNECTION_LOST, "the new ruleset drops SSH");
        })));
        assertEquals(Failure.FIREWALL_REVERT_FAILED, e.failure(), e::getMessage);
        String message = e.getMessage();
        assertTrue(message.contains("the node's firewall revert FAILED"), message);
        assertTrue(message.contains("the restore failed: \"/var/lib/oth/firewall/previous.nft:3:1-5: Error: syntax error\\u001b[2J\\rrestored\""), message);
        assertTrue(message.contains("live ruleset now: \"table inet filter\"; \"chain input { type filter hook input priority filter; policy drop;\""), message);
        assertTrue(message.matches("(?s).*the ruleset it should have restored is /var/lib/oth/firewall/previous\\.[0-9a-f]{16}\\.nft$"), message);
        assertFalse(message.contains("restored its previous ruleset"), "never reported as restored: " + message);
        assertFalse(message.chars().anyMatch(Character::isISOControl), message);
    }

    @Test
    void aConfirmationTooLateAndARestoreThatFailedIsReportedLoudlyToo() {
        RecordingHost node = reverted(FAILED_OUTCOME);
        RecordingHost fresh = reverted(FAILED_OUTCOME).failWhen("mv /run/oth-firewall.", "mv: cannot stat: No such file or directory");
        RemoteException e = assertThrows(RemoteException.class, () -> planned().apply(context(node, () -> HostConnection.of(fresh, () -> { }))));
        assertEquals(Failure.FIREWALL_REVERT_FAILED, e.failure(), e::getMessage);
        assertTrue(e.getMessage().contains("the restore failed: ") && e.getMessage().contains("live ruleset now: \"table inet filter\""), e.getMessage());
    }

    @Test
    void aRestoreTheNodeSaysSucceededIsReportedAsReverted() {
        RecordingHost node = reverted("ok");
        RemoteException e = assertThrows(RemoteException.class, () -> planned().apply(context(node, () -> {
            throw new RemoteException("storage", Failure.CONNECTION_LOST, "the new ruleset drops SSH");
        })));
        assertEquals(Failure.FIREWALL_REVERTED, e.failure(), e::getMessage);
        assertTrue(e.getMessage().contains("the node restored its previous ruleset"), e.getMessage());
        // Over the session oth still has, the node's own revert is run at once, not left to its timer (10 s here, 60 s by default).
        List<String> commands = node.commands();
        int armed = indexOf(commands, "setsid -f sh -c 'sleep 10; if mv /run/oth-firewall.");
        int now = indexOf(commands, "sleep 0; if mv /run/oth-firewall.");
        assertTrue(armed >= 0 && now > armed && indexOf(commands, "cat /var/lib/oth/firewall/revert.") > now, commands::toString);
    }

    private static int indexOf(List<String> commands, String part) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aNodeThatRecordedNoOutcomeIsARevertFailureNamingTheOutcomeFile() {
        RecordingHost node = reverted("").failWhen("cat /var/lib/oth/firewall/revert.", "cat: No such file\u001b[31m");
        RemoteException e = assertThrows(RemoteException.class, () -> planned().apply(context(node, () -> {
            throw new RemoteException("storage", Failure.CONNECTION_LOST, "the new ruleset drops SSH");
        })));
        assertEquals(Failure.FIREWALL_REVERT_FAILED, e.failure(), e::getMessage);
        assertTrue(e.getMessage().contains("it recorded no outcome in /var/lib/oth/firewall/revert."), e.getMessage());
        assertTrue(e.getMessage().contains("(\"cat: No such file\\u001b[31m\")"), e.getMessage());
    }
}
