package io.oth.support;

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
}
