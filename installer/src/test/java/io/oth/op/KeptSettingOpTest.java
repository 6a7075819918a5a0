package io.oth.op;

import io.oth.remote.RecordingHost;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The setting's probe as a node runs it (sh, sha256sum) on files of the test, and what each answer plans. */
class KeptSettingOpTest {
    @TempDir
    Path dir;

    private KeptSettingOp op(Path file) {
        return new KeptSettingOp(file.toString(), "MINIO_KMS_SECRET_KEY", Secret.of("oth-objects:c2VjcmV0/+="), "objects are sealed with it");
    }

    private Map<String, Probe.Answer> probed(KeptSettingOp op) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", Probe.script(op.probes())).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        return Probe.parse(out);
    }

    @Test
    void theSameValueOrNoneIsNoChangeAndAnotherIsRefusedWhenApplied() throws Exception {
        Path env = dir.resolve("minio");
        KeptSettingOp op = op(env);
        assertTrue(op.plan(probed(op), Set.of()).isEmpty(), "no file: nothing to keep, the file's own operation writes it");

        Files.writeString(env, "MINIO_ROOT_USER=oth-admin\nMINIO_ROOT_PASSWORD=changed\nMINIO_KMS_SECRET_KEY=oth-objects:c2VjcmV0/+=");
        assertTrue(op.plan(probed(op), Set.of()).isEmpty(), "the same value, its other settings whatever they are, last line without a newline");

        Files.writeString(env, "MINIO_ROOT_USER=oth-admin\n");
        assertTrue(op.plan(probed(op), Set.of()).isEmpty(), "a file without the setting");

        Files.writeString(env, "MINIO_KMS_SECRET_KEY=oth-objects:b3RoZXI=\nMINIO_VOLUMES=/var/lib/minio\n");
        Map<String, Probe.Answer> answers = probed(op);
        assertFalse(answers.values().iterator().next().output().contains("b3RoZXI"), "the node says a sum, not the value");
        Change refusal = op.plan(answers, Set.of()).orElseThrow();
        assertTrue(refusal.summary().startsWith("refuse to replace MINIO_KMS_SECRET_KEY in " + env), refusal.summary());
        RecordingHost host = new RecordingHost("storage");
        RemoteException e = assertThrows(RemoteException.class, () -> refusal.apply(TestApply.on(host)));
        assertTrue(e.getMessage().contains("objects are sealed with it; nothing was replaced"), e.getMessage());
        assertFalse(op.probes().get(0).script().contains("c2VjcmV0"), "the value is in no script");
    }

    @Test
    void anAnswerThatIsNotASumIsRefusedToo() {
        KeptSettingOp op = op(dir.resolve("minio"));
        assertTrue(op.plan(Map.of(op.probes().get(0).key(), new Probe.Answer(0, "garbage")), Set.of()).isPresent());
        assertThrows(IllegalArgumentException.class, () -> new KeptSettingOp("/etc/x", "A;rm", Secret.of("v"), "why"));
    }
}
