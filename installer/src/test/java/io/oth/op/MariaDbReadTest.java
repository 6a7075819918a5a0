package io.oth.op;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A probe's read of MariaDB, run by sh with a stand-in for the mariadb client first on the PATH. */
class MariaDbReadTest {
    @TempDir
    Path bin;

    private record Ran(int code, String out) {
    }

    private Ran run(String client, String command) throws Exception {
        Path mariadb = bin.resolve("mariadb");
        Files.writeString(mariadb, "#!/bin/sh\n" + client + "\n");
        Files.setPosixFilePermissions(mariadb, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ran(p.waitFor(), out);
    }

    private static String read(String sql) {
        return read(sql, 0);
    }

    private static String read(String sql, int maxLines) {
        Probe probe = MariaDbRead.probe("k", sql, maxLines);
        assertTrue(probe.waits(), "a read that may wait its bound waits beside the node's other probes");
        return probe.script();
    }

    @Test
    void aHungServerIsAnAnswerThatSaysSoNotAWaitWithoutEnd() throws Exception {
        long start = System.nanoTime();
        Ran ran = run("sleep 30", MariaDbRead.of("SELECT 1", 0, 1));
        assertEquals(new Ran(1, "MariaDB did not answer within 1 s\n"), ran);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "stopped by its bound, not by the client");
    }

    @Test
    void theRowsAndTheClientsExitCodeAreKeptAndTheLinesBounded() throws Exception {
        assertEquals(new Ran(0, "a\t1\nb\t2\n"), run("printf 'a\\t1\\nb\\t2\\n'", read("SELECT 1")));
        assertEquals(new Ran(0, "a\n"), run("printf 'a\\nb\\nc\\n'", read("SELECT 1", 1)));
        assertEquals(new Ran(1, "ERROR 2002 (HY000): Can't connect to local server\n"),
                run("echo \"ERROR 2002 (HY000): Can't connect to local server\" >&2; exit 1", read("SELECT 1")));
        assertEquals(new Ran(0, ""), run("exit 0", read("SELECT 1")));
    }

    @Test
    void theQueryReachesTheClientAsOneArgument() throws Exception {
        assertEquals(new Ran(0, "-N|-B|-e|SELECT 'a', \"b\", $x FROM t\n"),
                run("IFS='|'; echo \"$*\"", read("SELECT 'a', \"b\", $x FROM t")));
    }
}
