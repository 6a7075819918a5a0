package io.oth.op;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void aTextFileIsJudgedByTheContentItsProbePrinted() {
        String probe = op.probes().get(0).script();
        assertFalse(probe.contains("sha256sum"), "a text file's checksum is computed from the content read anyway: " + probe);
        assertTrue(planWith("-\nroot:root 644\n" + NEW + ".").isEmpty());
        // Without its last newline the file differs, though a probe's output alone could not tell.
        Change c = planWith("-\nroot:root 644\na\nb\nc.").orElseThrow();
        assertEquals("write /etc/x.conf (0644 root:root)", c.summary());
        // An answer cut short (no end mark) is never taken for the wanted content.
        assertTrue(planWith("-\nroot:root 644\n" + NEW).isPresent());
        assertTrue(planWith("-\nroot:root 644\n" + NEW + ".").isEmpty());
    }

    @Test
    void aBinaryFileIsJudgedBySha256sumsOwnLine() {
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        FileOp bin = FileOp.binary("/opt/b.tar.gz", bytes, "root:root", "0644");
        assertFalse(bin.probes().get(0).script().contains("cat --"));
        assertTrue(bin.plan(Map.of("file:/opt/b.tar.gz", new Probe.Answer(0, FileOp.sha256(bytes) + "  -\nroot:root 644")), Set.of()).isEmpty());
        assertTrue(bin.plan(Map.of("file:/opt/b.tar.gz", new Probe.Answer(0, "0".repeat(64) + "  -\nroot:root 644")), Set.of()).isPresent());
    }

    @Test
    void aFileReadLaterIsPlannedFromItsKnownSha256AndReadOnlyToBeWritten() throws Exception {
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        int[] reads = {0};
        FileOp bin = FileOp.binary("/opt/b.tar.gz", Blob.later(bytes.length, FileOp.sha256(bytes), () -> {
            reads[0]++;
            return bytes.clone();
        }), "root:root", "0644");
        assertTrue(bin.plan(Map.of("file:/opt/b.tar.gz", new Probe.Answer(0, FileOp.sha256(bytes) + "  -\nroot:root 644")), Set.of()).isEmpty());
        Change write = bin.plan(Map.of("file:/opt/b.tar.gz", new Probe.Answer(0, "absent")), Set.of()).orElseThrow();
        assertTrue(write.detail().contains("4 bytes"), write.detail());
        assertEquals(0, reads[0], "planning never reads the file");
        io.oth.remote.RecordingHost host = new io.oth.remote.RecordingHost("app1");
        write.apply(TestApply.on(host));
        write.apply(TestApply.on(host));
        assertEquals(1, reads[0], "read once for every node it goes to");
        assertEquals(List.of("upload /opt/b.tar.gz root:root 0644", "upload /opt/b.tar.gz root:root 0644"), host.uploads());
        assertArrayEquals(bytes, host.file("/opt/b.tar.gz").orElseThrow().content());
    }

    @Test
    void aFileThatChangedSinceItsCheckIsNotUploaded() {
        FileOp bin = FileOp.binary("/opt/b.tar.gz", Blob.later(4, "0".repeat(64), () -> {
            throw new java.io.IOException("/srv/b.tar.gz changed since it was checked");
        }), "root:root", "0644");
        Change write = bin.plan(Map.of("file:/opt/b.tar.gz", new Probe.Answer(0, "absent")), Set.of()).orElseThrow();
        io.oth.remote.RecordingHost host = new io.oth.remote.RecordingHost("app1");
        io.oth.remote.RemoteException e = assertThrows(io.oth.remote.RemoteException.class, () -> write.apply(TestApply.on(host)));
        assertTrue(e.getMessage().contains("changed since it was checked"), e.getMessage());
        assertEquals(List.of(), host.uploads());
    }
}
