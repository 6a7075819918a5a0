package io.oth.firewall;

import io.oth.firewall.FirewallOp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The revert the node runs by itself, run here with a stand-in nft: it records what its restore did. */
class FirewallRevertTest {
    @TempDir
    Path dir;

    private FirewallOp.RunFiles files() throws Exception {
        FirewallOp.RunFiles f = new FirewallOp.RunFiles("0123456789abcdef", dir + "/pending", dir + "/staged", dir + "/previous.nft",
                dir + "/outcome", dir + "/revert.log");
        Files.writeString(Path.of(f.pending()), "");
        Files.writeString(Path.of(f.staged()), "new ruleset\n");
        Files.writeString(Path.of(f.previous()), "flush ruleset\n");
        return f;
    }

    private void revert(FirewallOp.RunFiles f, String nft) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = bin.resolve("nft");
        Files.writeString(fake, "#!/bin/sh\n" + nft + "\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", FirewallOp.revertScript(f, Duration.ZERO)).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void aRestoreThatSucceedsIsRecordedAsOk() throws Exception {
        FirewallOp.RunFiles f = files();
        revert(f, "exit 0");
        assertEquals("ok\n", Files.readString(Path.of(f.outcome())));
        assertTrue(Files.readString(Path.of(f.log())).contains("run 0123456789abcdef: reverted an unconfirmed ruleset: ok"));
        assertFalse(Files.exists(Path.of(f.staged())), "the unconfirmed ruleset is gone");
        assertFalse(Files.exists(Path.of(f.pending() + ".reverting")));
    }

    @Test
    void aRestoreThatFailsIsRecordedWithNftsError() throws Exception {
        FirewallOp.RunFiles f = files();
        revert(f, "echo \"Error: Could not process rule: No such file or directory\" >&2; echo \"flush ruleset\" >&2; exit 1");
        assertEquals("restore FAILED: Error: Could not process rule: No such file or directory flush ruleset\n", Files.readString(Path.of(f.outcome())));
        assertTrue(Files.readString(Path.of(f.log())).contains("reverted an unconfirmed ruleset: restore FAILED: Error: Could not process rule"),
                Files.readString(Path.of(f.log())));
    }

    @Test
    void aConfirmedRulesetIsNotReverted() throws Exception {
        FirewallOp.RunFiles f = files();
        Files.move(Path.of(f.pending()), Path.of(f.pending() + ".confirmed"));
        revert(f, "exit 1");
        assertFalse(Files.exists(Path.of(f.outcome())));
        assertTrue(Files.exists(Path.of(f.staged())));
    }

    @Test
    void theFilesOfEarlierAppliesGoButNotThisOnesNorOnesWhoseRevertIsStillArmed() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path run = Files.createDirectories(dir.resolve("run"));
        for (String token : List.of("aaaa", "bbbb", "cccc")) {
            Files.writeString(state.resolve("previous." + token + ".nft"), "");
            Files.writeString(etc.resolve("nftables.conf.oth-pending." + token), "");
        }
        Files.writeString(state.resolve("revert.aaaa.outcome"), "ok\n");
        Files.writeString(run.resolve("oth-firewall.bbbb.pending"), "");
        // the script with its node directories moved under the test's own
        String script = FirewallOp.earlierRuns("cccc").replace("/var/lib/oth/firewall", state.toString())
                .replace("/etc/", etc + "/").replace("/run/", run + "/");
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(Set.of("removed " + state + "/previous.aaaa.nft", "removed " + state + "/revert.aaaa.outcome",
                "removed " + etc + "/nftables.conf.oth-pending.aaaa"), Set.copyOf(out.lines().toList()), out);
        assertTrue(Files.exists(etc.resolve("nftables.conf.oth-pending.bbbb")), "an armed revert keeps its files");
        assertTrue(Files.exists(etc.resolve("nftables.conf.oth-pending.cccc")), "this apply's staged ruleset stays");
        assertTrue(Files.exists(state.resolve("previous.cccc.nft")));
    }
}
