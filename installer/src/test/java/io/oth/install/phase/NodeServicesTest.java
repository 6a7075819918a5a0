package io.oth.install.phase;

import io.oth.install.NodeServices;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.ServiceOp;
import io.oth.phase.HostFacts;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.site.Node;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What doctor asks to start at boot is what install's phases run, node by node: one list, checked against the phases. */
class NodeServicesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "full"})
    void theServicesOfEachNodeAreThoseItsInstallPhasesRun(String siteName) throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/" + siteName + ".yml", dir);
        for (Node node : fixture.site.nodes()) {
            Target target = new Target(fixture.site, node, new HostFacts(node.name(), InitSystem.SYSV, InetAddress.getByName("10.77.0.10"), 22, false));
            List<String> run = new ArrayList<>();
            for (Phase phase : fixture.phases(io.oth.site.Playbooks.load())) {
                if (phase.appliesTo(target)) {
                    for (Operation op : phase.operations(target)) {
                        if (op instanceof ServiceOp service && !run.contains(service.name())) {
                            run.add(service.name());
                        }
                    }
                }
            }
            assertEquals(run, NodeServices.of(node, fixture.site), siteName + ": " + node.name());
        }
    }
}
