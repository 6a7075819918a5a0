package io.oth.upgrade;

import io.oth.progress.Progress;
import io.oth.install.NodeLayout;
import io.oth.op.InitSystem;
import io.oth.site.Node;
import io.oth.site.SshEndpoint;
import io.oth.remote.Command;
import io.oth.remote.RecordingHost;
import io.oth.site.Playbooks;
import io.oth.site.Site;
import io.oth.site.SiteFixtures;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollingUpgradeTest {
    private static final String OLD = "/opt/oth-app/releases/1.0.0";
    private static final String NEW = "/opt/oth-app/releases/1.1.0";

    @TempDir
    Path dir;

    private static RollingUpgrade.AppNode node(String name, String running, Optional<String> previous) {
        Node node = new Node(name, "app", "10.77.0.101", Optional.empty(), new SshEndpoint("10.77.0.101", 22, "root", java.nio.file.Path.of("/k")));
        return new RollingUpgrade.AppNode(node, null, InitSystem.SYSV, running, previous);
    }

    @Test
    void aNodeRunsTheVersionItsReleaseDirectoryNames() {
        assertEquals("1.10.0-rc1", node("app1", "/opt/oth-app/releases/1.10.0-rc1", Optional.empty()).version());
    }

    @Test
    void rollbackNeedsAnEarlierReleaseOnEveryNode() throws Exception {
        assertEquals(List.of("/opt/oth-app/releases/1.0.0", "/opt/oth-app/releases/1.0.0"), RollingUpgrade.previous(List.of(
                node("app1", "/opt/oth-app/releases/1.1.0", Optional.of("/opt/oth-app/releases/1.0.0")),
                node("app2", "/opt/oth-app/releases/1.1.0", Optional.of("/opt/oth-app/releases/1.0.0")))));
        RollingUpgrade.UpgradeException e = assertThrows(RollingUpgrade.UpgradeException.class, () -> RollingUpgrade.previous(List.of(
                node("app1", "/opt/oth-app/releases/1.1.0", Optional.of("/opt/oth-app/releases/1.0.0")),
                node("app2", "/opt/oth-app/releases/1.1.0", Optional.empty()))));
        assertEquals("app2: no earlier release to go back to (/opt/oth-app/previous is missing); nothing was changed", e.getMessage());
    }

    /** app1 and app2 on 1.0.0, with nothing recorded before it; the load balancer's haproxy and health checks all answer well. */
    private final RecordingHost lb = new RecordingHost("lb");
    private final RecordingHost app1 = new RecordingHost("app1");
    private final RecordingHost app2 = new RecordingHost("app2");

    private RollingUpgrade.UpgradeException rollFailing() throws Exception {
        Site site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
        List<RollingUpgrade.AppNode> nodes = new ArrayList<>();
        for (RecordingHost host : List.of(app1, app2)) {
            nodes.add(new RollingUpgrade.AppNode(site.nodes().stream().filter(n -> n.name().equals(host.name())).findFirst().orElseThrow(),
                    host, InitSystem.SYSTEMD, OLD, Optional.empty()));
        }
        app2.failWhen("[ -d " + Command.quote(NEW) + " ]", "no such release");
        RollingUpgrade upgrade = new RollingUpgrade(site, Playbooks.load(), null, line -> { }, 2, Progress.NONE);
        return assertThrows(RollingUpgrade.UpgradeException.class, () -> upgrade.roll(lb, nodes, NEW, "/health"));
    }

    /** The servers haproxy was told to drain, in order. */
    private List<String> drained() {
        return lb.commands().stream().filter(c -> c.contains("state drain")).map(c -> c.replaceAll(".*set server app/(\\S+) state drain.*", "$1")).toList();
    }

    @Test
    void aFailureOnTheSecondNodeMovesItAndThenTheFirstBackNewestFirst() throws Exception {
        RollingUpgrade.UpgradeException e = rollFailing();
        assertEquals("app2: switching to " + NEW + " failed: \"no such release\". Rolled back: app2 runs 1.0.0 again; app1 runs 1.0.0 again", e.getMessage());
        assertEquals(List.of("app1", "app2", "app2", "app1"), drained(), "moved forward in site order, back newest first");
        assertTrue(app1.commands().get(app1.commands().size() - 1).contains("ln -sfn " + Command.quote(OLD) + " " + Command.quote(NodeLayout.APP_CURRENT + ".oth-new")),
                () -> "app1 switched back last: " + app1.commands());
    }

    @Test
    void aNodeThatDoesNotComeBackIsSaidAndTheOthersStillGoBack() throws Exception {
        app1.failWhen("rm -f " + RollingUpgrade.PREVIOUS, "disk full");
        RollingUpgrade.UpgradeException e = rollFailing();
        assertEquals("app2: switching to " + NEW + " failed: \"no such release\". Rolled back: app2 runs 1.0.0 again; "
                + "app1 did NOT come back: switching to " + OLD + " failed: \"disk full\"", e.getMessage());
    }

    @Test
    void anUnhealthyAnswerReachesTheMessageEscapedAndCut() throws Exception {
        String hostile = "{\"status\":\"down\"}\u001b[2J\u001b[H\roth: upgrade done\n" + "q".repeat(100_000);
        lb.when("curl -sS", new io.oth.remote.CommandResult(1, hostile, ""));
        Site site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
        List<RollingUpgrade.AppNode> nodes = List.of(new RollingUpgrade.AppNode(site.nodes().stream().filter(n -> n.name().equals("app1")).findFirst()
                .orElseThrow(), app1, InitSystem.SYSTEMD, OLD, Optional.empty()));
        RollingUpgrade upgrade = new RollingUpgrade(site, Playbooks.load(), null, line -> { }, 2, Progress.NONE);
        String message = assertThrows(RollingUpgrade.UpgradeException.class, () -> upgrade.roll(lb, nodes, NEW, "/health")).getMessage();
        assertTrue(message.contains("answered: \"{\\\"status\\\":\\\"down\\\"}\\u001b[2J\\u001b[H\\roth: upgrade done\\nqqq"), message);
        assertTrue(message.contains("(" + hostile.length() + " characters, cut)"), message);
        assertTrue(message.chars().noneMatch(Character::isISOControl), message);
        assertTrue(message.length() < 2_000, () -> message.length() + " characters");
    }

    @Test
    void aReleaseThatStopsAfterItsStartFailsAtOnceNamingItsLog() throws Exception {
        lb.when("curl -sS", new io.oth.remote.CommandResult(1, "no available server", ""));
        app1.failWhen("is-active", "inactive");
        Site site = SiteLoader.load(SiteFixtures.stage("good/full.yml", dir));
        List<RollingUpgrade.AppNode> nodes = List.of(new RollingUpgrade.AppNode(site.nodes().stream().filter(n -> n.name().equals("app1")).findFirst()
                .orElseThrow(), app1, InitSystem.SYSTEMD, OLD, Optional.empty()));
        RollingUpgrade upgrade = new RollingUpgrade(site, Playbooks.load(), null, line -> { }, 2, Progress.NONE);
        String message = assertThrows(RollingUpgrade.UpgradeException.class, () -> upgrade.roll(lb, nodes, NEW, "/health")).getMessage();
        assertTrue(message.startsWith("app1: oth-app stopped after its start: not running (its log: " + NodeLayout.APP_LOG), message);
        assertEquals(2, lb.commands().stream().filter(c -> c.contains("curl -sS")).count(),
                () -> "one window of health checks on the way there, one on the way back, then the node was asked: " + lb.commands());
    }
}
