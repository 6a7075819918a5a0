package io.oth.install;

import io.oth.install.BundleContents.Limits;
import io.oth.install.ReleaseBundle.BundleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bundle checked once and unchanged since is not hashed again; a changed one always is. */
class BundleDigestsTest {
    @TempDir
    Path dir;

    private BundleDigests later() {
        // The bundle was written moments ago: seen from a minute later, it has settled.
        return new BundleDigests(dir.resolve("cache"), Clock.fixed(Instant.now().plusSeconds(60), ZoneOffset.UTC));
    }

    private Path bundle(String content) {
        return new TarBuilder().file("traefik", content.getBytes(StandardCharsets.UTF_8), 0755).writeTo(dir.resolve("traefik.tar.gz"));
    }

    @Test
    void aSettledBundleIsRememberedAndReadBackAsChecked() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        BundleContents first = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        Path[] entries = Files.list(dir.resolve("cache")).toArray(Path[]::new);
        assertEquals(1, entries.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entries[0])));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache"))));

        BundleContents again = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        assertEquals(first.sha256(), again.sha256());
        assertEquals(first.files(), again.files());
        assertArrayEquals(first.bytes(), again.bytes());
    }

    @Test
    void aRememberedBundleIsReadOnlyWhenItsBytesAreAskedForAndOnlyIfUnchanged() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        byte[] checked = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests)).bytes();
        BundleContents again = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        assertTrue(again.blob().inMemory().isEmpty(), "a no-op never reads the bundle");
        assertEquals(checked.length, again.blob().length());
        assertArrayEquals(checked, again.bytes());

        BundleContents third = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] other = checked.clone();
        other[other.length / 2] ^= 1;
        Files.write(file, other);
        Files.setLastModifiedTime(file, mtime);
        BundleException e = assertThrows(BundleException.class, third::bytes, "the file changed after it was found checked");
        assertTrue(e.getMessage().contains("changed since it was checked"), e.getMessage());
    }

    @Test
    void aRememberedEntryIsWhatTheNextReadUses() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        // Shown by a planted entry for the same identity: the read takes its file list instead of scanning.
        Path entry = Files.list(dir.resolve("cache")).findFirst().orElseThrow();
        String planted = Files.readString(entry).replaceAll("(?m)^file ([0-9a-f]{64}) .*$", "file $1 " + java.util.Base64.getUrlEncoder()
                .withoutPadding().encodeToString("planted".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(entry, planted);
        assertTrue(BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests)).hasTopLevelFile("planted"));
    }

    @Test
    void aBundleChangedInPlaceIsCheckedAgainEvenWithItsOldTimeAndSize() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;                       // same size, other bytes, same checksum file
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, mtime);             // the modification time put back; the ctime cannot be
        BundleException e = assertThrows(BundleException.class,
                () -> BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests)));
        assertTrue(e.getMessage().contains("sha256 is"), e.getMessage());
    }

    @Test
    void aFreshBundleIsNotRemembered() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests now = new BundleDigests(dir.resolve("cache"), Clock.systemUTC());
        BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(now));
        assertTrue(Files.notExists(dir.resolve("cache")) || Files.list(dir.resolve("cache")).findAny().isEmpty());
    }

    @Test
    void aDamagedEntryIsIgnoredAndTheBundleCheckedInFull() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        BundleContents first = BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        Path entry = Files.list(dir.resolve("cache")).findFirst().orElseThrow();
        for (String garbage : new String[] {"", "oth-bundle-digests 1\n", Files.readString(entry).replace("sha256 ", "sha256 zz"),
                Files.readString(entry) + "file nothex x\n", "x".repeat(4 << 20)}) {
            Files.writeString(entry, garbage);
            assertEquals(first.files(), BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests)).files());
        }
    }

    @Test
    void anEditedChecksumFileMeansAnotherKey() throws Exception {
        Path file = bundle("#!/bin/sh\necho one\n");
        BundleDigests digests = later();
        BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests));
        Files.writeString(BundleContents.checksumFile(file), "0".repeat(64) + "  traefik.tar.gz\n");
        assertThrows(BundleException.class, () -> BundleContents.read(file, Optional.empty(), Limits.DEFAULT, Optional.of(digests)));
    }
}
