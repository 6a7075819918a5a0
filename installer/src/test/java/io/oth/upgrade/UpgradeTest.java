package io.oth.upgrade;

import io.oth.progress.Progress;
import io.oth.fleet.ScriptedFleet;
import io.oth.install.ReleaseBundle;
import io.oth.remote.CommandResult;
import io.oth.report.PlanReport;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth upgrade --check}: the plan from the survey and the preflight, as install prints one; the nodes are only read. */
class UpgradeTest {
    private static final ReleaseBundle V110 = new ReleaseBundle(null, "oth-app", "1.1.0", "oth-app.jar", 8080, "/healthz", ReleaseBundle.DEFAULT_JAVA_OPTIONS);

    @TempDir
    Path dir;

    private Site site;
    private final List<String> said = new CopyOnWriteArrayList<>();

    @BeforeEach
    void site() throws Exception {
        site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
    }

    /** App nodes that run {@code running}; haproxy answers and every node is healthy and up. */
    private static Function<String, Function<String, CommandResult>> healthy(String app2Runs) {
        return node -> script -> {
            if (script.contains("readlink -f")) {
                String running = node.equals("app2") ? app2Runs : "/opt/oth-app/releases/1.0.0";
                return new CommandResult(0, "systemd\n" + running + "\n\n", "");
            }
            return new CommandResult(0, script.contains("show info") ? "Name: HAProxy\n" : "", "");
        };
    }

    private Optional<Upgrade.Plan> plan(ScriptedFleet fleet) throws Exception {
        return new Upgrade(site, Playbooks.load(), V110, fleet, 4, said::add, Clock.systemUTC(), Progress.NONE).plan(new Upgrade.Request(false, true));
    }

    @Test
    void thePlanMovesEachNodeNotOnTheTargetAndPrintsAsInstallsDoes() throws Exception {
        ScriptedFleet fleet = ScriptedFleet.of(site, healthy("/opt/oth-app/releases/1.1.0"));
        Upgrade.Plan plan = plan(fleet).orElseThrow();
        assertEquals("Upgrade from 1.0.0, 1.1.0 to 1.1.0 on 2 app node(s), one at a time", said.get(0));
        assertTrue(plan.pending());
        assertEquals(List.of("app1", "app2"), plan.report().hosts().stream().map(h -> h.host()).toList(),
                "the database is external: no backup on the storage node");
        assertEquals(List.of("stage oth-app 1.1.0 in /opt/oth-app/releases/1.1.0 (unless it is there)",
                "switch from 1.0.0 to 1.1.0: drain in haproxy, restart, health check, back in haproxy"), plan.report().hosts().get(0).changes());
        assertEquals(List.of(), plan.report().hosts().get(1).changes());

        StringWriter out = new StringWriter();
        PlanReport.print(plan.report(), new PrintWriter(out, true));
        assertEquals("[app1] would stage oth-app 1.1.0 in /opt/oth-app/releases/1.1.0 (unless it is there)\n"
                + "[app1] would switch from 1.0.0 to 1.1.0: drain in haproxy, restart, health check, back in haproxy\n\n"
                + "HOST  OK  PENDING  RESULT\n"
                + "app1  0   2        pending\n"
                + "app2  1   0        ok\n", out.toString());
        assertTrue(fleet.written().values().stream().allMatch(List::isEmpty), "a plan writes nothing");
        for (String node : List.of("app1", "app2", "lb")) {
            assertTrue(fleet.host(node).ran.stream().noneMatch(s -> s.contains("state drain") || s.contains("ln -s") || s.contains("restart")),
                    () -> node + " was only read: " + fleet.host(node).ran);
        }
    }

    @Test
    void nodesOnTheTargetAlreadyAreNothingToDo() throws Exception {
        ScriptedFleet fleet = ScriptedFleet.of(site, node -> script -> new CommandResult(0, "systemd\n/opt/oth-app/releases/1.1.0\n\n", ""));
        assertEquals(Optional.empty(), plan(fleet));
        assertEquals(List.of("Every app node runs 1.1.0 already: nothing to do."), said);
    }
}
