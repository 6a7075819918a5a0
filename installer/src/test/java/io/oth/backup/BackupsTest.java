package io.oth.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupsTest {
    @Test
    void anIdIsParsedAndBoundedNeverAPath() {
        assertTrue(Backups.isId("oth-20261203T120000Z"));
        for (String hostile : new String[] {"../../etc/passwd", "oth-20261203T120000Z/../x", "oth-20261203T120000Z\n", "oth-20261303T120000Z",
                "oth-20261203T250000Z", "oth-20261203T120000Z.sql.gz", "oth-2026120T120000Z", "yesterday", "", "oth-20261203T120000Z; rm -rf /",
                "oth-" + "9".repeat(10_000)}) {
            assertFalse(Backups.isId(hostile), hostile);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backups.checkId(hostile));
            assertTrue(e.getMessage().length() < 200, "a long id is cut in the message: " + e.getMessage().length());
        }
        assertEquals(Instant.parse("2026-12-03T12:00:00Z"), Backups.madeAt("oth-20261203T120000Z"));
    }

    @Test
    void theNodesListingIsReadStrictlyAndMergedByIdWithWhereEachCopyIs() {
        String listing = """
                node oth-20261201T031700Z.sql.gz 1200
                node oth-20261203T031700Z.sql.gz.age 900
                bucket oth-20261203T031700Z.sql.gz.age 900
                bucket oth-20261204T031700Z.sql.gz.age 950
                node oth-20261204T031700Z.sql.gz.age.part 10
                node ../oth-20261205T031700Z.sql.gz.age 10
                node oth-20261399T031700Z.sql.gz.age 10
                stat: cannot stat 'x'
                node oth-20261205T031700Z.sql.gz.age 99999999999999999999
                """;
        List<Backups.Listed> parsed = Backups.parse(listing);
        assertEquals(4, parsed.size(), parsed::toString);
        TreeMap<String, Long> operator = new TreeMap<>();
        operator.put("oth-20261203T031700Z", 900L);
        operator.put("oth-20261202T031700Z", 800L);
        List<Backups.Backup> merged = Backups.merged(parsed, operator);
        assertEquals(List.of("oth-20261201T031700Z", "oth-20261202T031700Z", "oth-20261203T031700Z", "oth-20261204T031700Z"),
                merged.stream().map(Backups.Backup::id).toList());
        assertEquals(new Backups.Backup("oth-20261201T031700Z", Instant.parse("2026-12-01T03:17:00Z"), 1200, false, Set.of(Backups.Place.node)),
                merged.get(0));
        assertEquals(EnumSet.of(Backups.Place.operator), merged.get(1).places());
        assertEquals(EnumSet.allOf(Backups.Place.class), merged.get(2).places());
        assertEquals(EnumSet.of(Backups.Place.bucket), merged.get(3).places());
        assertTrue(merged.get(3).encrypted());
    }

    @Test
    void restoresGiveNoKeyToAnyArgumentAndTouchNothingBeforeTheBackupIsWhole() {
        String script = Backups.restoreEncrypted("/var/backups/oth/mariadb/oth-20261203T120000Z.sql.gz.age");
        assertTrue(script.contains("key=$(cat)"), script);
        assertTrue(script.contains("age -d -i - /var/backups/oth/mariadb/oth-20261203T120000Z.sql.gz.age"), script);
        assertTrue(script.indexOf("gzip -t") < script.indexOf("mariadb --batch"), "checked whole before the database is touched");
        assertFalse(script.contains("AGE-SECRET-KEY"), script);
    }

    @Test
    void operatorCopiesAre0600AndExpireByTheirIds(@TempDir Path dir) throws Exception {
        OperatorCopies copies = new OperatorCopies(dir.resolve("backups"));
        copies.write("oth-20261201T031700Z", new byte[] {1, 2, 3});
        copies.write("oth-20261204T031700Z", new byte[] {4});
        Files.writeString(dir.resolve("backups/notes.txt"), "not a backup");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("backups/oth-20261201T031700Z.sql.gz.age"))));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups"))));
        assertEquals(3L, copies.held().get("oth-20261201T031700Z"));
        assertEquals(List.of("oth-20261201T031700Z"), copies.expire(Instant.parse("2026-12-06T12:00:00Z"), 5));
        assertEquals(Set.of("oth-20261204T031700Z"), copies.held().keySet());
        assertTrue(Files.exists(dir.resolve("backups/notes.txt")), "only backups are deleted");
        assertThrows(IllegalArgumentException.class, () -> copies.read("../secrets"));
    }
}
