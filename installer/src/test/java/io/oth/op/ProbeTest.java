package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Sha256;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


class ProbeTest {

    private static final List<Probe> PROBES = List.of(
            new Probe("a", "echo one; echo two"),
            new Probe("b", "echo oops >&2; exit 3"),
            new Probe("c", "printf 'no newline'"),
            new Probe("d", "true"),
            new Probe("e", "cat; echo \"stdin was empty\""));

    @Test
    void probesRunAsOneScriptAndComeBackApartWithTheirExitCodes() throws Exception {
        assertAnswers(run(Probe.script(PROBES)));
    }

    @Test
    void probesRunSideBySideComeBackApartTheSameWay() throws Exception {
        assertAnswers(run(Probe.concurrentScript(PROBES)));
    }

    private static void assertAnswers(Map<String, Probe.Answer> answers) {
        assertEquals(new Probe.Answer(0, "one\ntwo"), answers.get("a"));
        assertEquals(new Probe.Answer(3, "oops"), answers.get("b"));
        assertEquals(new Probe.Answer(0, "no newline"), answers.get("c"));
        assertEquals(new Probe.Answer(0, ""), answers.get("d"));
        assertEquals(new Probe.Answer(0, "stdin was empty"), answers.get("e"));
        assertEquals(PROBES.size(), answers.size());
    }

    /**
     * In-shell probes come back apart with their exit codes as subshells do, in either script, and
     * the variables they set (a directory {@code d}, positional parameters) do not move where the
     * other probes' answers are written.
     */
    @Test
    void inShellProbesComeBackApartAndLeaveTheScriptsOwnStateAlone() throws Exception {
        List<Probe> probes = List.of(
                Probe.inShell("first", "d=/nonexistent; f=x; set -- a b; echo \"$#\"; false"),
                new Probe("between", "echo sub"),
                Probe.inShell("second", "v=kept; printf '%s' \"$v\""),
                Probe.inShell("third", "echo oops >&2; [ -n \"$v\" ]"),
                Probe.waiting("waits", "echo w"));
        for (String script : List.of(Probe.script(probes), Probe.concurrentScript(probes))) {
            Map<String, Probe.Answer> answers = run(script);
            assertEquals(new Probe.Answer(1, "2"), answers.get("first"), script);
            assertEquals(new Probe.Answer(0, "sub"), answers.get("between"));
            assertEquals(new Probe.Answer(0, "kept"), answers.get("second"));
            assertEquals(new Probe.Answer(0, "oops"), answers.get("third"), "run in the same shell as the second");
            assertEquals(new Probe.Answer(0, "w"), answers.get("waits"));
            assertEquals(5, answers.size());
        }
        assertTrue(probes.get(2).scoped("x").inShell(), "a scoped probe still runs in the shell");
    }

    @Test
    void slowProbesSideBySideComeBackTheSame() throws Exception {
        List<Probe> probes = List.of(new Probe("slow", "sleep 1; echo a"), new Probe("also", "sleep 1; echo b >&2; exit 4"));
        Map<String, Probe.Answer> answers = run(Probe.concurrentScript(probes));
        assertEquals(new Probe.Answer(0, "a"), answers.get("slow"));
        assertEquals(new Probe.Answer(4, "b"), answers.get("also"));
    }

    @Test
    void probesThatReadTheNodeRunInLineAndThoseThatMayWaitBesideThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String mark = Command.quote(dir.resolve("mark").toString());
        List<Probe> probes = List.of(
                Probe.waiting("network", "sleep 1; [ -e " + mark + " ] && echo after || echo before"),
                new Probe("first", "sleep 0.2; echo one > " + mark),
                new Probe("second", "cat " + mark),
                Probe.waiting("lookup", "exit 2").scoped("dns"));
        Map<String, Probe.Answer> answers = run(Probe.concurrentScript(probes));
        assertEquals(new Probe.Answer(0, "one"), answers.get("second"), "the second local probe ran after the first");
        assertEquals(new Probe.Answer(0, "after"), answers.get("network"), "the waiting probe ran beside the local ones");
        assertEquals(new Probe.Answer(2, ""), answers.get("dns|lookup"));
        assertTrue(probes.get(3).waits(), "a scoped probe still waits");
        assertEquals(4, answers.size());
    }

    @Test
    void filesReadInOneBatchPlanAsTheirOwnProbesDo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path same = java.nio.file.Files.writeString(dir.resolve("same.conf"), "a\nb\n");
        java.nio.file.Path other = java.nio.file.Files.writeString(dir.resolve("other.conf"), "a\nold\n");
        java.nio.file.Path binary = java.nio.file.Files.write(dir.resolve("b.tar.gz"), new byte[] {0, 1, 2});
        java.nio.file.Path directory = java.nio.file.Files.createDirectory(dir.resolve("a-directory"));
        java.nio.file.Path fifo = dir.resolve("a-fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String owner = java.nio.file.Files.getOwner(same).getName();
        String group = new String(new ProcessBuilder("id", "-gn").start().getInputStream().readAllBytes()).strip();
        List<FileOp> ops = List.of(
                FileOp.text(same.toString(), "a\nb\n", owner + ":" + group, "0644"),
                FileOp.text(other.toString(), "a\nnew\n", owner + ":" + group, "0644"),
                FileOp.binary(binary.toString(), new byte[] {0, 1, 2}, owner + ":" + group, "0600"),
                FileOp.binary(dir.resolve("missing").toString(), new byte[] {1}, "root:root", "0644"),
                FileOp.text(directory.toString(), "x\n", "root:root", "0644"),
                FileOp.text(fifo.toString(), "x\n", "root:root", "0644"));
        List<Probe> probes = new java.util.ArrayList<>();
        ops.forEach(op -> probes.addAll(op.probes()));
        probes.add(ops.get(1).probes().get(0).scoped("again"));
        probes.add(new Probe("plain", "echo beside"));
        String script = Probe.concurrentScript(probes);
        assertEquals(1, script.split("sha256sum", -1).length - 1, "one sha256sum for every file");
        Map<String, Probe.Answer> batched = run(script);
        Map<String, Probe.Answer> alone = run(Probe.script(probes));
        assertEquals(alone.keySet(), batched.keySet());
        assertEquals(probes.size(), batched.size(), batched.keySet().toString());
        assertEquals(new Probe.Answer(0, "beside"), batched.get("plain"));
        for (FileOp op : ops) {
            String key = op.probes().get(0).key();
            Map<String, Probe.Answer> a = Map.of(key, alone.get(key));
            Map<String, Probe.Answer> b = Map.of(key, batched.get(key));
            assertEquals(op.plan(a, java.util.Set.of()).map(Change::summary), op.plan(b, java.util.Set.of()).map(Change::summary), key);
            assertEquals(op.plan(a, java.util.Set.of()).map(Change::detail), op.plan(b, java.util.Set.of()).map(Change::detail), key);
        }
        assertTrue(ops.get(0).plan(Map.of(ops.get(0).probes().get(0).key(), batched.get(ops.get(0).probes().get(0).key())), java.util.Set.of()).isEmpty());
        assertTrue(ops.get(2).plan(Map.of(ops.get(2).probes().get(0).key(), batched.get(ops.get(2).probes().get(0).key())), java.util.Set.of()).isPresent(),
                "the binary's mode differs");
        assertTrue(batched.get("again|" + ops.get(1).probes().get(0).key()).output().contains("old"), "a file read by two phases answers both");
        assertEquals("absent", batched.get(ops.get(5).probes().get(0).key()).output(), "a FIFO is not read");
    }

    @Test
    void aFileReadWholeIsSummedAgainOnlyWhenItChanged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] first = new byte[(int) Probe.KEPT_FROM_BYTES];
        first[0] = 1;
        byte[] second = first.clone();
        second[0] = 2;
        java.nio.file.Path bundle = java.nio.file.Files.write(dir.resolve("app.tar.gz"), first);
        java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("db.password"), "s3cret-s3cret");
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("app.conf"), "a\n");
        java.nio.file.Path sums = dir.resolve("file-sums");
        String owner = java.nio.file.Files.getOwner(bundle).getName() + ":" + new String(new ProcessBuilder("id", "-gn").start().getInputStream().readAllBytes()).strip();
        FileOp binary = FileOp.binary(bundle.toString(), first, owner, "0644");
        FileOp text = FileOp.text(config.toString(), "a\n", owner, "0644");
        FileOp small = FileOp.text(secret.toString(), "s3cret-s3cret", owner, "0600").secret();
        // Read whole too, but below the size worth keeping: summed on every read, and never a reason to write the sums file.
        FileOp tiny = FileOp.binary(java.nio.file.Files.write(dir.resolve("tiny.tar.gz"), new byte[] {1, 2, 3}).toString(), new byte[] {1, 2, 3}, owner, "0644");
        List<Probe> probes = new java.util.ArrayList<>(binary.probes());
        probes.addAll(text.probes());
        probes.addAll(small.probes());
        probes.addAll(tiny.probes());
        String key = binary.probes().get(0).key();
        String script = Probe.concurrentScript(probes, java.util.Optional.of(sums.toString()));

        Thread.sleep(2100); // a sum is kept only for a file whose change time is two seconds old (a write in the same tick)
        assertEquals(Sha256.hex(first), run(script).get(key).output().lines().findFirst().orElseThrow().split(" ")[0]);
        String kept = java.nio.file.Files.readString(sums);
        assertTrue(kept.endsWith(" " + Sha256.hex(first) + " " + bundle + "\n"), kept);
        assertEquals(1, kept.lines().count(), "neither a file with a wanted content (compared) nor a small one (a secret) is kept: " + kept);

        // A read that sums only files too small to keep leaves the sums file as it was (no write on a no-op).
        Object identity = java.nio.file.Files.readAttributes(sums, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertTrue(run(script).get(tiny.probes().get(0).key()).output().startsWith(Sha256.hex(new byte[] {1, 2, 3}) + "  -\n"));
        assertEquals(identity, java.nio.file.Files.readAttributes(sums, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        assertEquals(kept, java.nio.file.Files.readString(sums));

        // What the node kept for the same identity is what the next read answers: it is not summed again.
        String zeros = "0".repeat(64);
        java.nio.file.Files.writeString(sums, kept.replace(Sha256.hex(first), zeros));
        assertTrue(run(script).get(key).output().startsWith(zeros + "  -\n"));
        assertTrue(binary.plan(Map.of(key, run(Probe.concurrentScript(probes)).get(key)), java.util.Set.of()).isEmpty(),
                "a read that keeps nothing sums the file itself");

        // Any write changes the identity: summed again, and not kept while its change time is that fresh.
        java.nio.file.Files.write(bundle, second);
        assertTrue(run(script).get(key).output().startsWith(Sha256.hex(second) + "  -\n"));
        assertEquals("", java.nio.file.Files.readString(sums));
    }

    @Test
    void connectionsMadeInOneBatchEndAsTheirOwnProbesDo() throws Exception {
        try (java.net.ServerSocket open = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int closed;
            try (java.net.ServerSocket gone = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closed = gone.getLocalPort();
            }
            // A listener that never accepts, its queue full: the kernel drops further SYNs, so a connection waits (as to a filtered port).
            List<java.net.Socket> queued = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                java.net.Socket s = new java.net.Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                } catch (java.io.IOException e) {
                    // the queue is full already
                }
                queued.add(s);
            }
            try {
                List<Probe> probes = List.of(
                        Probe.connect("open", "127.0.0.1", open.getLocalPort(), 2),
                        Probe.connect("closed", "127.0.0.1", closed, 2),
                        Probe.connect("waits", "127.0.0.1", full.getLocalPort(), 1),
                        Probe.connect("open-again", "127.0.0.1", open.getLocalPort(), 1),
                        new ReachableOp("the database", "127.0.0.1", closed).probes().get(0).scoped("external"),
                        new Probe("plain", "echo beside"));
                String script = Probe.concurrentScript(probes);
                assertEquals(3, script.split("timeout ", -1).length - 1, "one timeout for each time limit (1, 2 and 5 s): " + script);
                Map<String, Probe.Answer> batched = run(script);
                Map<String, Probe.Answer> alone = run(Probe.script(probes));
                assertEquals(alone.keySet(), batched.keySet());
                for (String key : List.of("open", "closed", "waits", "open-again")) {
                    assertEquals(io.oth.check.Connect.outcome(alone.get(key)), io.oth.check.Connect.outcome(batched.get(key)), key);
                }
                assertEquals(io.oth.check.Connect.Outcome.CONNECTED, io.oth.check.Connect.outcome(batched.get("open")));
                assertEquals(io.oth.check.Connect.Outcome.REFUSED, io.oth.check.Connect.outcome(batched.get("closed")));
                assertEquals(io.oth.check.Connect.Outcome.TIMEOUT, io.oth.check.Connect.outcome(batched.get("waits")));
                assertEquals(new Probe.Answer(0, "beside"), batched.get("plain"));
                ReachableOp database = new ReachableOp("the database", "127.0.0.1", closed);
                String key = database.probes().get(0).key();
                assertEquals(database.plan(Map.of(key, alone.get("external|" + key)), java.util.Set.of()).map(Change::summary),
                        database.plan(Map.of(key, batched.get("external|" + key)), java.util.Set.of()).map(Change::summary));
                assertTrue(database.plan(Map.of(key, batched.get("external|" + key)), java.util.Set.of()).orElseThrow().summary()
                        .endsWith("(connect: Connection refused)"), batched.get("external|" + key).toString());
            } finally {
                for (java.net.Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    @Test
    void withoutATemporaryDirectoryTheScriptWritesAndPrintsNothingAndSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A node whose /tmp, /dev/shm and /run are full: mktemp fails everywhere. "$_oth_d/0" must not become "/0".
        java.nio.file.Path stub = java.nio.file.Files.writeString(dir.resolve("mktemp"), "#!/bin/sh\necho \"mktemp: No space left on device\" >&2\nexit 1\n");
        assertTrue(stub.toFile().setExecutable(true));
        String script = Probe.concurrentScript(List.of(new Probe("plain", "echo beside"), FileOp.text("/etc/hostname", "x\n", "root:root", "0644").probes().get(0)));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        int code = p.waitFor();
        assertEquals("", out);
        assertTrue(err.contains(Probe.NO_TEMP_DIR), err);
        CommandResult r = new CommandResult(code, out, err);
        RemoteException e = assertThrows(RemoteException.class, () -> Probe.ran("app1", r));
        assertEquals(Failure.COMMAND_FAILED, e.failure());
        assertEquals("app1: remote operation failed: the probes did not run: " + Probe.NO_TEMP_DIR, e.getMessage());
        CommandResult fine = new CommandResult(0, "", "");
        assertEquals(fine, Probe.ran("app1", fine));
    }

    /** A /tmp full but for its inodes: mktemp still makes a directory there, where no answer could be written. */
    @Test
    void aTemporaryDirectoryWithoutRoomIsNotUsedTheNextPlaceIs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path full = java.nio.file.Files.createDirectory(dir.resolve("full"));
        // head fails to write where the test says the disk is full, as on a full file system
        java.nio.file.Path stub = java.nio.file.Files.writeString(dir.resolve("head"), "#!/bin/sh\ncase \"$(readlink -f /proc/$$/fd/1)\" in "
                + full + "/*) echo 'head: error writing: No space left on device' >&2; exit 1;; esac\nexec /usr/bin/head \"$@\"\n");
        assertTrue(stub.toFile().setExecutable(true));
        String script = Probe.concurrentScript(List.of(new Probe("plain", "echo beside"), Probe.inShell("where", "echo \"$_oth_d\"")));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", full.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals("beside", Probe.parse(out).get("plain").output());
        String where = Probe.parse(out).get("where").output();
        assertTrue(where.startsWith("/dev/shm/") || where.startsWith("/run/"), where);
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(full)) {
            assertEquals(0, left.count(), "the directory without room was removed");
        }
    }

    /** Runs a probe script in a real shell, as a node would, and splits its answers. */
    private static Map<String, Probe.Answer> run(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        return Probe.parse(out);
    }

    @Test
    void aSectionTheNodeLeftOutIsUnansweredForAReportAndRefusedForAPlan() throws Exception {
        String output = "@@oth-probe a\none\n\n@@oth-probe-rc 0\n";
        List<Probe> asked = List.of(new Probe("a", "echo one"), new Probe("b", "echo two"));
        Map<String, Probe.Answer> answers = Probe.answered(output, asked);
        assertEquals(new Probe.Answer(0, "one"), answers.get("a"));
        assertEquals(Probe.UNANSWERED, answers.get("b"));
        assertTrue(!answers.get("b").ok());
        RemoteException refused = assertThrows(RemoteException.class, () -> Probe.parseAll("app1", output, asked));
        assertEquals(Failure.FACT_REFUSED, refused.failure());
        assertTrue(refused.getMessage().contains("no answer for 1 probe(s): b"), refused.getMessage());
        assertEquals(answers.get("a"), Probe.parseAll("app1", output + "@@oth-probe b\ntwo\n\n@@oth-probe-rc 0\n", asked).get("a"));
    }
}
