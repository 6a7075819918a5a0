package io.oth.op;

import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrittenOnceOpTest {
    private static final String KEY = "1;" + "ab".repeat(32) + "\n";
    private final WrittenOnceOp op = new WrittenOnceOp(FileOp.text("/etc/k", KEY, "mysql:mysql", "0400").secret(), "data is encrypted with it");

    private static Map<String, Probe.Answer> answer(String output) {
        return Map.of("file:/etc/k", new Probe.Answer(0, output));
    }

    @Test
    void aMissingFileIsWrittenAndOneAsWantedIsLeftOrItsModeFixed() throws Exception {
        Change create = op.plan(answer("absent"), Set.of()).orElseThrow();
        RecordingHost host = new RecordingHost("storage");
        create.apply(TestApply.on(host));
        assertEquals(List.of("upload /etc/k mysql:mysql 0400"), host.uploads());

        String sum = FileOp.sha256(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(op.plan(answer(sum + "  -\nmysql:mysql 400"), Set.of()).isEmpty());
        assertTrue(op.plan(answer(sum + "  -\nroot:root 644"), Set.of()).orElseThrow().summary().startsWith("fix owner/mode of /etc/k"));
    }

    @Test
    void otherContentIsRefusedWhenApplied() {
        Change refusal = op.plan(answer("0".repeat(64) + "  -\nmysql:mysql 400"), Set.of()).orElseThrow();
        assertTrue(refusal.summary().startsWith("refuse to replace /etc/k"), refusal.summary());
        RecordingHost host = new RecordingHost("storage");
        RemoteException e = assertThrows(RemoteException.class, () -> refusal.apply(TestApply.on(host)));
        assertTrue(e.getMessage().contains("data is encrypted with it; nothing was replaced"), e.getMessage());
        assertEquals(List.of(), host.uploads(), "nothing written");
    }
}
