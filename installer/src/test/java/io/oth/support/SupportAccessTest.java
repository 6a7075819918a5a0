package io.oth.support;

import io.oth.progress.Progress;
import io.oth.remote.CommandResult;
import io.oth.remote.RecordingFleet;
import io.oth.remote.RecordingHost;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupportAccessTest {
    private static final Instant UNTIL = Instant.parse("2026-11-23T23:30:05Z");

    @TempDir
    Path dir;

    @Test
    void theEntryNodeTakesTheKeyFromTheSupportAddressesAndForwardsOnlyToTheNodesSsh() {
        assertEquals("from=\"52.30.207.215/32,52.31.90.17/32\",expiry-time=\"20261123233005Z\",restrict,pty,port-forwarding,"
                        + "permitopen=\"10.77.0.101:22\",permitopen=\"[fd00::20]:22\"",
                SupportAccess.entryOptions(List.of("52.30.207.215/32", "52.31.90.17/32"), List.of("10.77.0.101:22", "[fd00::20]:22"), UNTIL));
        assertEquals("from=\"52.30.207.215/32\",expiry-time=\"20261123233005Z\",restrict,pty",
                SupportAccess.entryOptions(List.of("52.30.207.215/32"), List.of(), UNTIL), "nothing to forward to: no forwarding");
    }

    @Test
    void theOtherNodesTakeTheKeyOnlyFromTheEntryNodeWithoutForwarding() {
        assertEquals("from=\"10.77.0.2\",expiry-time=\"20261123233005Z\",restrict,pty", SupportAccess.innerOptions(List.of("10.77.0.2"), UNTIL));
    }

    @Test
    void theReopenScriptAddsEachAddressForWhatIsLeftAndNothingAfter() {
        String script = SupportAccess.reopenScript(List.of("52.30.207.215/32", "2001:db8::/64"), UNTIL);
        assertTrue(script.contains("left=$(( " + UNTIL.getEpochSecond() + " - $(date +%s) ))\n[ \"$left\" -gt 0 ] || exit 0\n"), script);
        assertTrue(script.contains("nft add element inet oth support4 \"{ 52.30.207.215/32 timeout ${left}s }\"\n"), script);
        assertTrue(script.contains("nft add element inet oth support6 \"{ 2001:db8::/64 timeout ${left}s }\"\n"), script);
    }

    @Test
    void aGrantHasLimits() throws Exception {
        Path keys = dir.resolve("k.pub");
        Files.writeString(keys, SupportKeysTest.ED25519);
        SupportKeys k = SupportKeys.read(keys);
        assertEquals("--for 7d1s: a grant lasts from 10s to 7d", assertThrows(IllegalArgumentException.class,
                () -> new SupportAccess.Grant(Duration.ofDays(7).plusSeconds(1), List.of("52.30.207.215/32"), k, "ops", "")).getMessage());
        assertEquals("--for 9s: a grant lasts from 10s to 7d", assertThrows(IllegalArgumentException.class,
                () -> new SupportAccess.Grant(Duration.ofSeconds(9), List.of("52.30.207.215/32"), k, "ops", "")).getMessage());
        assertEquals("the site lists no support addresses (support.addresses): nobody could use the grant", assertThrows(IllegalArgumentException.class,
                () -> new SupportAccess.Grant(Duration.ofHours(1), List.of(), k, "ops", "")).getMessage());
    }

    @Test
    void aNodesStateIsReadFromWhatItPrints() {
        Instant now = UNTIL.minusSeconds(600);
        SupportAccess.NodeStatus open = SupportAccess.parseStatus("lb", true, "grant=0123abcd " + UNTIL.getEpochSecond() + "\nkeys=2\nsessions=3\n"
                + "\t\telements = { 52.30.207.215 timeout 10m expires 9m58s, 52.31.90.0/24 timeout 10m expires 9m58s }\n");
        assertEquals(new SupportAccess.NodeStatus("lb", true, Optional.of(UNTIL), 2, 3, List.of("52.30.207.215", "52.31.90.0/24"), Optional.empty()), open);
        assertEquals("open", open.state(now));
        assertEquals("expired, not cleaned up", open.state(UNTIL.plusSeconds(1)));

        SupportAccess.NodeStatus closed = SupportAccess.parseStatus("app1", false, "grant=\nkeys=0\nsessions=0\n");
        assertEquals("closed", closed.state(now));
        assertFalse(closed.open(now));

        SupportAccess.NodeStatus firewallOnly = SupportAccess.parseStatus("lb", true, "grant=\nkeys=0\nsessions=0\n"
                + "elements = { 52.30.207.215 timeout 10m expires 9m58s }\n");
        assertEquals("left over", firewallOnly.state(now));
    }

    /** The start of the script that ends a grant, as {@code close} and a rollback run it. */
    private static final String CLOSE_SCRIPT = "had=$(";

    /** Opens a grant on the four nodes of the full site, one node at a time (site order: lb, app1, app2, storage), app2 failing. */
    private List<SupportAccess.NodeOutcome> openFailingOnApp2(RecordingFleet fleet) throws Exception {
        Site site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
        Path key = Files.writeString(dir.resolve("support.pub"), SupportKeysTest.ED25519 + "\n");
        SupportAccess.Grant grant = new SupportAccess.Grant(Duration.ofHours(1), site.supportAddresses(), SupportKeys.read(key), "alice", "");
        fleet.host("lb").when(CLOSE_SCRIPT, new CommandResult(0, "closed: removed 1 key(s), 1 firewall address(es), ended 0 session process(es)\n", ""));
        fleet.host("app2").failWhen("setsid -f", "read-only file system");
        return SupportAccess.open(site, Playbooks.load(), fleet, grant, UNTIL.minusSeconds(3600), 1, Progress.NONE);
    }

    private static boolean closed(RecordingHost host) {
        return host.commands().stream().anyMatch(c -> c.contains(CLOSE_SCRIPT) && c.contains("'the grant failed on a node'"));
    }

    @Test
    void aGrantThatFailsOnOneNodeIsClosedAgainOnEveryNodeNewestFirst() throws Exception {
        RecordingFleet fleet = new RecordingFleet(SiteLoader.load(SiteFixtures.stage("good/full.yml", dir)));
        List<SupportAccess.NodeOutcome> outcomes = openFailingOnApp2(fleet);
        assertEquals(List.of("app2", "storage", "app2", "app1", "lb"), outcomes.stream().map(SupportAccess.NodeOutcome::node).toList(),
                "the failure, then each node closed, the last opened first");
        assertEquals("app2: remote operation failed: opening support access: \"read-only file system\"", outcomes.get(0).said());
        assertFalse(outcomes.get(0).ok());
        assertEquals("rolled back: closed: removed 1 key(s), 1 firewall address(es), ended 0 session process(es)", outcomes.get(4).said());
        assertTrue(outcomes.subList(1, 5).stream().allMatch(SupportAccess.NodeOutcome::ok), outcomes::toString);
        for (String node : List.of("lb", "app1", "app2", "storage")) {
            assertTrue(closed(fleet.host(node)), () -> node + " is closed again: " + fleet.host(node).commands());
        }
    }

    @Test
    void aNodeThatCannotBeClosedAgainIsSaidAndTheOthersAreStillClosed() throws Exception {
        RecordingFleet fleet = new RecordingFleet(SiteLoader.load(SiteFixtures.stage("good/full.yml", dir)));
        fleet.host("app1").failWhen(CLOSE_SCRIPT, "nft: no such table");
        List<SupportAccess.NodeOutcome> outcomes = openFailingOnApp2(fleet);
        SupportAccess.NodeOutcome app1 = outcomes.get(3);
        assertEquals("app1", app1.node());
        assertFalse(app1.ok());
        assertEquals("app1: remote operation failed: closing support access: \"nft: no such table\"", app1.said());
        assertTrue(closed(fleet.host("lb")), () -> "lb is closed after app1 failed to: " + fleet.host("lb").commands());
    }

    @Test
    void whatANodeSaysWhenItClosesOrFailsToReachesTheTerminalWithoutItsControlCharacters() throws Exception {
        RecordingFleet fleet = new RecordingFleet(SiteLoader.load(SiteFixtures.stage("good/full.yml", dir)));
        fleet.host("lb").when(CLOSE_SCRIPT, new CommandResult(0, "closed\u001b[2J\r\u001b]0;owned\u0007 " + "x".repeat(5000) + "\n", ""));
        fleet.host("app1").failWhen(CLOSE_SCRIPT, "\u001b[1A\roth: support closed on every node\n" + "y".repeat(5000));
        List<SupportAccess.NodeOutcome> outcomes = SupportAccess.close(fleet, 1, Progress.NONE);
        for (SupportAccess.NodeOutcome o : outcomes) {
            assertFalse(o.said().chars().anyMatch(Character::isISOControl), o::said);
            assertTrue(o.said().length() < 600, () -> o.node() + " said " + o.said().length() + " characters");
        }
        assertTrue(outcomes.get(0).said().startsWith("closed?[2J??]0;owned? xxx"), outcomes.get(0).said());
        assertTrue(outcomes.get(1).said().startsWith("app1: remote operation failed: closing support access: \"\\u001b[1A\\roth: support closed"),
                outcomes.get(1).said());
    }
}
