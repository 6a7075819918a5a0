package io.oth.upgrade;

import io.oth.op.InitSystem;
import io.oth.site.Node;
import io.oth.site.SshEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RollingUpgradeTest {
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
}
