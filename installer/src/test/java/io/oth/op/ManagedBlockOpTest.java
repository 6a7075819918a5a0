package io.oth.op;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagedBlockOpTest {
    private final ManagedBlockOp op = new ManagedBlockOp("/etc/hosts", "# BEGIN x", "# END x", "# BEGIN x\n10.0.0.1 a\n# END x\n");

    @Test
    void theBlockIsAppendedWhenAbsent() {
        assertEquals("127.0.0.1 localhost\n# BEGIN x\n10.0.0.1 a\n# END x\n", op.merged("127.0.0.1 localhost"));
    }

    @Test
    void anOldBlockIsReplacedAndTheRestKept() {
        String current = "127.0.0.1 localhost\n# BEGIN x\n10.0.0.9 old\n# END x\n::1 ip6-localhost\n";
        assertEquals("127.0.0.1 localhost\n# BEGIN x\n10.0.0.1 a\n# END x\n::1 ip6-localhost\n", op.merged(current));
    }

    @Test
    void anUpToDateFileIsLeftAlone() {
        String current = "127.0.0.1 localhost\n# BEGIN x\n10.0.0.1 a\n# END x\n";
        String sum = FileOp.sha256(current.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // the probe's answer loses the file's last newline; the checksum is what decides
        String answer = sum + "\n" + current.substring(0, current.length() - 1);
        assertTrue(op.plan(Map.of("block:/etc/hosts", new Probe.Answer(0, answer)), Set.of()).isEmpty());
        assertTrue(op.plan(Map.of("block:/etc/hosts", new Probe.Answer(0, "0000\n127.0.0.1 localhost")), Set.of()).orElseThrow()
                .detail().contains("+10.0.0.1 a"));
    }

    @Test
    void theProbePrintsTheFileWithAnEndMarkAndNoChecksum() {
        String current = "127.0.0.1 localhost\n# BEGIN x\n10.0.0.1 a\n# END x\n";
        assertTrue(op.plan(Map.of("block:/etc/hosts", new Probe.Answer(0, "-\n" + current + ".")), Set.of()).isEmpty());
        // the same lines without the last newline are a change
        assertTrue(op.plan(Map.of("block:/etc/hosts", new Probe.Answer(0, "-\n" + current.strip() + ".")), Set.of()).isPresent());
    }
}
