package io.oth.op;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Facts in, plan out: no host needed. */
class FileOpTest {
    private static final String NEW = "a\nb\nc\n";
    private final FileOp op = FileOp.text("/etc/x.conf", NEW, "root:root", "0644").notifying("x");

    private Optional<Change> planWith(String probeOutput) {
        return op.plan(Map.of("file:/etc/x.conf", new Probe.Answer(0, probeOutput)), Set.of());
    }

    @Test
    void anIdenticalFileIsLeftAlone() {
        assertTrue(planWith(FileOp.sha256(NEW.getBytes(StandardCharsets.UTF_8)) + "\nroot:root 644\n" + NEW).isEmpty());
    }

    @Test
    void aMissingFileIsCreated() {
        Change c = planWith("absent").orElseThrow();
        assertEquals("create /etc/x.conf (0644 root:root)", c.summary());
        assertTrue(c.detail().contains("+b"), c.detail());
        assertEquals(Set.of("x"), c.notifies());
    }

    @Test
    void aChangedFileIsRewrittenWithAUnifiedDiff() {
        Change c = planWith("0".repeat(64) + "\nroot:root 644\na\nB\nc\n").orElseThrow();
        assertEquals("write /etc/x.conf (0644 root:root)", c.summary());
        assertTrue(c.detail().contains("--- a/etc/x.conf"), c.detail());
        assertTrue(c.detail().contains("-B\n+b"), c.detail());
    }

    @Test
    void aWrongModeOnlyFixesTheMode() {
        Change c = planWith(FileOp.sha256(NEW.getBytes(StandardCharsets.UTF_8)) + "\nroot:root 666\n" + NEW).orElseThrow();
        assertEquals("fix owner/mode of /etc/x.conf (0644 root:root)", c.summary());
        assertEquals("", c.detail());
    }

    @Test
    void aSecretIsNeverShownNorReadBack() {
        FileOp key = FileOp.text("/etc/k.pem", "PRIVATE KEY MATERIAL", "root:root", "0600").secret();
        assertFalse(key.probes().get(0).script().contains("cat --"), "the probe must not print the current secret");
        Change c = key.plan(Map.of("file:/etc/k.pem", new Probe.Answer(0, "absent")), Set.of()).orElseThrow();
        assertFalse(c.detail().contains("PRIVATE"), c.detail());
        assertTrue(c.detail().contains("content not shown"), c.detail());
    }
}
