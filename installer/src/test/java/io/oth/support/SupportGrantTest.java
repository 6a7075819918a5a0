package io.oth.support;

import io.oth.progress.Progress;
import io.oth.fleet.ScriptedFleet;
import io.oth.phase.RunReport;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth support open|close --check}: the plan comes from what the nodes have, and the nodes are only read. */
class SupportGrantTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final CommandResult NOTHING = new CommandResult(0, "", "");

    @TempDir
    Path dir;

    private Site site;
    private SupportAccess.Grant grant;

    @BeforeEach
    void site() throws Exception {
        site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
        Path key = Files.writeString(dir.resolve("support.pub"), SupportKeysTest.ED25519 + "\n");
        grant = new SupportAccess.Grant(Duration.ofHours(4), site.supportAddresses(), SupportKeys.read(key), "alice", "ticket 42");
    }

    private SupportGrant grant(ScriptedFleet fleet) {
        return new SupportGrant(site, Playbooks.load(), fleet, 4, Clock.fixed(NOW, ZoneOffset.UTC), Progress.NONE);
    }

    /** Every node answers the status script with {@code lb}'s answer on the load balancer and nothing elsewhere. */
    private static Function<String, Function<String, CommandResult>> onLb(String lb) {
        return node -> script -> node.equals("lb") ? new CommandResult(0, lb, "") : NOTHING;
    }

    private static void onlyRead(ScriptedFleet fleet, Site site) {
        assertTrue(fleet.written().values().stream().allMatch(List::isEmpty), () -> "a plan writes nothing: " + fleet.written());
        for (String node : List.of("lb", "app1", "app2", "storage")) {
            boolean entry = node.equals("lb");
            assertEquals(List.of(Command.shell(SupportAccess.statusScript(entry)).render(false)), fleet.host(node).ran, node + " is only asked for its state");
        }
    }

    @Test
    void openingPlansOneChangePerNodeAndTheFirewallOnTheEntryNode() {
        ScriptedFleet fleet = ScriptedFleet.of(site, onLb(""));
        RunReport plan = grant(fleet).planOpen(grant);
        Instant until = NOW.plus(Duration.ofHours(4));
        assertEquals(List.of("open support access until " + until + ": 1 key(s) for oth-support; firewall lets 198.51.100.0/24, 2001:db8::/32 reach SSH"),
                plan.hosts().get(0).changes());
        assertEquals(List.of("open support access until " + until + ": 1 key(s) for oth-support"), plan.hosts().get(1).changes());
        assertEquals(4, plan.changes());
        assertTrue(plan.check() && !plan.failed());
        onlyRead(fleet, site);
    }

    @Test
    void aGrantStillRunningIsPlannedAsExtended() {
        long earlier = NOW.plus(Duration.ofHours(1)).getEpochSecond();
        ScriptedFleet fleet = ScriptedFleet.of(site, onLb("grant=0123456789abcdef " + earlier + "\nkeys=1\nsessions=0\n"));
        RunReport plan = grant(fleet).planOpen(grant);
        assertTrue(plan.hosts().get(0).changes().get(0).startsWith("extend support access (was until " + Instant.ofEpochSecond(earlier) + ") until "),
                plan::toString);
    }

    @Test
    void closingPlansNothingWhereNothingIsOpen() {
        ScriptedFleet closed = ScriptedFleet.of(site, onLb(""));
        RunReport none = grant(closed).planClose();
        assertEquals(0, none.changes());
        assertEquals(List.of(1, 1, 1, 1), none.hosts().stream().map(RunReport.HostOutcome::ok).toList());
        onlyRead(closed, site);

        ScriptedFleet open = ScriptedFleet.of(site, onLb("grant=0123456789abcdef " + NOW.plusSeconds(600).getEpochSecond()
                + "\nkeys=1\nsessions=2\nelements = { 198.51.100.7 timeout 10m expires 9m58s }\n"));
        RunReport plan = grant(open).planClose();
        assertEquals(Map.of("lb", List.of("close support access: remove 1 key(s), 1 firewall address(es), end 2 session process(es)")),
                Map.of(plan.hosts().get(0).host(), plan.hosts().get(0).changes()));
        assertEquals(1, plan.changes());
        onlyRead(open, site);
    }

    @Test
    void aNodeNotReachedIsAFailedHostOfThePlan() {
        RunReport plan = grant(ScriptedFleet.of(site, onLb(""), "app2")).planOpen(grant);
        RunReport.HostOutcome app2 = plan.hosts().get(2);
        assertEquals("app2", app2.host());
        assertEquals(Optional.of(Failure.NODE_UNREACHABLE), app2.kind());
        assertTrue(app2.failure().orElseThrow().contains("connection refused"), app2::toString);
        assertTrue(plan.failed());
    }
}
