package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.phase.HostFacts;
import io.oth.phase.Phase;
import io.oth.phase.Target;
import io.oth.site.Node;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One fixture per install phase and site (test/resources/install-phases/SITE/PHASE.expect): facts
 * in (a fresh node of each role), the phase's operations and the changes it plans out, no SSH.
 * A missing fixture is written from what the phase does now, for a person to review, and fails.
 */
class InstallPhaseFixturesTest {
    private static final List<String> SITES = List.of("minimal", "full");

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return SITES.stream().flatMap(site -> InstallPlaybook.load().phases().stream().map(p -> Arguments.of(site, p.name())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void planOfAFreshNode(String site, String phaseName) throws Exception {
        PhaseFixture fixture = PhaseFixture.of("good/" + site + ".yml", dir);
        Phase phase = fixture.phase(phaseName);
        StringBuilder got = new StringBuilder("# operations\n");
        for (Node node : fixture.site.nodes()) {
            HostFacts facts = new HostFacts(node.name(), InitSystem.SYSTEMD, InetAddress.getByName("10.77.0.10"), 22, false);
            Target target = new Target(fixture.site, node, facts);
            if (phase.appliesTo(target)) {
                for (Operation op : phase.operations(target)) {
                    got.append('[').append(node.name()).append("] ").append(op.subject()).append('\n');
                }
            }
        }
        got.append("# plan\n").append(fixture.plan(List.of(phase), line -> { })).append('\n');
        String resource = "/install-phases/" + site + "/" + phaseName + ".expect";
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            if (in == null) {
                Path written = Path.of("src/test/resources" + resource);
                Files.createDirectories(written.getParent());
                Files.writeString(written, got);
                fail("no fixture " + resource + "; wrote it from what the phase does now: review it");
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), got.toString(), resource);
        }
    }
}
