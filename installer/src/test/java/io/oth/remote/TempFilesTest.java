package io.oth.remote;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run-start sweep as a node runs it (sh, find, coreutils), here on this machine with its scratch
 * directory, its record of directories and its unpack roots in a scratch directory of the test.
 */
class TempFilesTest {
    @TempDir
    Path dir;
    private Path scratch;
    private Path written;
    private Path releases;
    private Path traefik;

    @BeforeEach
    void aNodeAKilledRunLeftThingsOn() throws Exception {
        scratch = Files.createDirectories(dir.resolve("tmp"));
        written = Files.createDirectories(dir.resolve("etc/haproxy"));
        Files.writeString(dir.resolve("temp-dirs"), written + "\nnot/absolute\n");
        releases = Files.createDirectories(dir.resolve("opt/oth-app/my releases"));
        traefik = Files.createDirectories(dir.resolve("opt/traefik"));
    }

    private String sweep(boolean remove, List<Path> roots) throws Exception {
        String script = TempFiles.sweep(remove, roots.stream().map(Path::toString).toList(), scratch.toString(), dir.resolve("temp-dirs").toString());
        Process p = new ProcessBuilder("sh", "-c", script).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out;
    }

    @Test
    void aDirectoryIsRecordedOnceWhateverHowOftenItIsWrittenTo() throws Exception {
        Path record = dir.resolve("var/lib/oth/temp-dirs");
        String once = TempFiles.record("\"$d\"", record.toString());
        String script = "set -e; d='/etc/haproxy'; " + once + "; d='/etc/my dir'; " + once + "; d='/etc/haproxy'; " + once + "; echo done";
        Process p = new ProcessBuilder("sh", "-c", script).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("done\n", out, err);
        assertEquals(List.of("/etc/haproxy", "/etc/my dir"), Files.readAllLines(record), "its directory made, each directory once");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
    }

    private static Path dirWithAFile(Path d) throws Exception {
        Files.createDirectories(d);
        Files.writeString(d.resolve("oth-app.jar"), "half unpacked");
        return d;
    }

    @Test
    void theUnpackDirectoriesOfAKilledRunAreRemovedAndSaidWhateverTheirAge() throws Exception {
        Path killedApp = dirWithAFile(releases.resolve(TempFiles.UNPACK_MARK + "0123456789ab.Xy12Ab34"));
        Path killedTraefik = dirWithAFile(traefik.resolve(TempFiles.UNPACK_MARK + "ba9876543210.Qw34Er56"));
        Path killedFile = Files.writeString(written.resolve("haproxy.cfg.oth-tmp.0123456789ab.abc123"), "half written");

        String said = sweep(true, List.of(releases, traefik, dir.resolve("opt/minio")));

        assertFalse(Files.exists(killedApp));
        assertFalse(Files.exists(killedTraefik));
        assertFalse(Files.exists(killedFile));
        assertEquals(List.of(killedFile.toString(), killedApp.toString(), killedTraefik.toString()), said.lines().toList(),
                "each one removed is said; a root that does not exist is skipped");
    }

    @Test
    void nothingElseInTheUnpackRootsIsTouched() throws Exception {
        Path release = dirWithAFile(releases.resolve("1.0.1"));
        Path mine = dirWithAFile(releases.resolve(TempFiles.UNPACK_MARK + TempFiles.RUN + ".Zz99Yy88"));
        Path deeper = dirWithAFile(release.resolve(TempFiles.UNPACK_MARK + "0123456789ab.Xy12Ab34"));
        Path aFile = Files.writeString(releases.resolve(TempFiles.UNPACK_MARK + "0123456789ab.file"), "not a directory oth makes");
        Path lookalike = dirWithAFile(releases.resolve("x" + TempFiles.UNPACK_MARK + "0123456789ab"));
        Path previous = Files.writeString(written.resolve("previous.0123456789abcdef.nft"), "flush ruleset\n");
        Path elsewhere = dirWithAFile(written.resolve(TempFiles.UNPACK_MARK + "0123456789ab.Xy12Ab34"));

        assertEquals("", sweep(true, List.of(releases, traefik)));

        for (Path kept : List.of(release.resolve("oth-app.jar"), mine, deeper, aFile, lookalike, previous, elsewhere)) {
            assertTrue(Files.exists(kept), kept + " stays");
        }
    }

    @Test
    void aDirectoryListedTwiceOrAlsoTheScratchIsSweptOnce() throws Exception {
        Path spaced = Files.createDirectories(dir.resolve("etc/my dir"));
        Files.writeString(dir.resolve("temp-dirs"), written + "\n" + spaced + "\n" + scratch + "\n" + written + "\n" + spaced);
        Path inScratch = Files.writeString(scratch.resolve("oth-ca.oth-tmp.0123456789ab.k1"), "x");
        Path inSpaced = Files.writeString(spaced.resolve("a b.oth-tmp.0123456789ab.k2"), "x");
        Path inWritten = Files.writeString(written.resolve("haproxy.cfg.oth-tmp.0123456789ab.k3"), "x");

        assertEquals(java.util.stream.Stream.of(inScratch, inSpaced, inWritten).map(Path::toString).sorted().toList(), sweep(false, List.of()).lines().sorted().toList(),
                "each once, the last line of the record without its newline too");
        assertEquals(3, sweep(true, List.of()).lines().count());
        for (Path gone : List.of(inScratch, inSpaced, inWritten)) {
            assertFalse(Files.exists(gone));
        }
    }

    @Test
    void withoutRemoveTheSweepOnlyListsWhatItWouldRemove() throws Exception {
        Path killed = dirWithAFile(releases.resolve(TempFiles.UNPACK_MARK + "0123456789ab.Xy12Ab34"));
        assertEquals(killed + "\n", sweep(false, List.of(releases)));
        assertTrue(Files.exists(killed.resolve("oth-app.jar")));
    }

    @Test
    void anUnpackRootIsAnAbsoluteDirectoryBelowTheRoot() {
        assertThrows(IllegalArgumentException.class, () -> TempFiles.sweep(true, List.of("/")));
        assertThrows(IllegalArgumentException.class, () -> TempFiles.sweep(true, List.of("opt/traefik")));
    }
}
