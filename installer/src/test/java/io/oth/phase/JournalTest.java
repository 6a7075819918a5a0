package io.oth.phase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal as the next run reads it after a crash: interrupted runs found, damaged lines named and skipped. */
class JournalTest {
    @TempDir
    Path dir;

    private Journal journal() {
        return new Journal(dir.resolve("state/journal"));
    }

    @Test
    void aRunThatEndedLeavesNothingToReport() {
        Journal j = journal();
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 2);
        j.end("run1", "ok");
        assertEquals(new Journal.Review(java.util.Optional.empty(), List.of()), j.review());
    }

    @Test
    void aRunWithoutItsEndIsInterruptedWithWhatItFinished() {
        Journal j = journal();
        j.start("run1", "apply");
        j.end("run1", "ok");
        j.start("run2", "apply");
        j.done("run2", "lb", "base", 2);
        j.done("run2", "app1", "base", 0);
        Journal.Interrupted i = j.review().interrupted().orElseThrow();
        assertEquals("run2", i.run());
        assertEquals(2, i.finished());
        assertTrue(i.started().isPresent());
    }

    @Test
    void aPartialLastLineIsReportedAndDoesNotHideTheInterruptedRun() throws Exception {
        Journal j = journal();
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        Files.writeString(j.file(), "2026-12-03T13:05:02Z\trun1\tdo", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Journal.Review review = j.review();
        assertEquals(1, review.interrupted().orElseThrow().finished());
        assertEquals(List.of("journal line 3 is incomplete (a run stopped while writing it); ignoring it"), review.damaged());
    }

    @Test
    void aCorruptLastLineIsReportedAndSkipped() throws Exception {
        Journal j = journal();
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        j.end("run1", "ok");
        j.start("run2", "apply");
        j.done("run2", "lb", "base", 1);
        List<String> lines = Files.readAllLines(j.file());
        // A flipped byte in the last line, as a bad sector or an editor would leave it: it says "end" now, but its checksum does not match.
        String forged = lines.get(4).replace("\tdone\tlb\tbase\t1\t", "\tend\tok\t\t");
        Files.writeString(j.file(), String.join("\n", lines.subList(0, 4)) + "\n" + forged + "\n");
        Journal.Review review = j.review();
        assertEquals("run2", review.interrupted().orElseThrow().run(), "the forged end does not end run2");
        assertEquals(List.of("journal line 5 is damaged; ignoring it"), review.damaged());
    }

    @Test
    void aDamagedStartLineStillLeavesTheRunInterrupted() throws Exception {
        Journal j = journal();
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        List<String> lines = Files.readAllLines(j.file());
        Files.writeString(j.file(), "\u0000\u0000garbage\n" + lines.get(1) + "\n");
        Journal.Review review = j.review();
        Journal.Interrupted i = review.interrupted().orElseThrow();
        assertEquals("run1", i.run());
        assertTrue(i.started().isEmpty(), "the start time was on the damaged line");
        assertEquals(List.of("journal line 1 is damaged; ignoring it"), review.damaged());
    }

    @Test
    void damageBeforeARunThatEndedIsNotReportedAgain() throws Exception {
        Journal j = journal();
        Files.createDirectories(j.file().getParent());
        Files.writeString(j.file(), "a line of an older oth, without a checksum\n");
        j.start("run1", "apply");
        assertEquals(List.of("journal line 1 is damaged; ignoring it"), j.review().damaged());
        j.end("run1", "ok");
        assertEquals(new Journal.Review(java.util.Optional.empty(), List.of()), j.review());
    }

    @Test
    void manyDamagedLinesInARowAreOneNotice() throws Exception {
        Journal j = journal();
        Files.createDirectories(j.file().getParent());
        Files.writeString(j.file(), "2026-01-01T00:00:00Z\told\tstart\tapply\t\n".repeat(40));
        j.start("run1", "apply");
        assertEquals(List.of("journal lines 1-40 are damaged (or were written by an oth without checksums); ignoring them"), j.review().damaged());
    }

    @Test
    void ofSeveralRunsOnlyTheLastCounts() {
        Journal j = journal();
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        j.start("run2", "apply");
        j.done("run2", "lb", "base", 0);
        j.end("run2", "ok");
        assertTrue(j.review().interrupted().isEmpty(), "run1 was interrupted, but run2 ran everything again after it");
        j.start("run3", "apply");
        assertEquals(0, j.review().interrupted().orElseThrow().finished());
    }

    @Test
    void everyLineCarriesItsChecksum() throws Exception {
        Journal j = journal();
        j.start("run1", "apply");
        String line = Files.readAllLines(j.file()).get(0);
        assertTrue(line.matches("\\S+\trun1\tstart\tapply\t\t[0-9a-f]{8}"), line);
        assertTrue(Journal.parse(line).isPresent());
        assertTrue(Journal.parse(line.replace("apply", "apply ")).isEmpty());
    }

    /** Lines as an ended run writes them, with their checksums, without forcing each to disk. */
    private static String endedRun(String run) {
        StringBuilder lines = new StringBuilder();
        for (String record : List.of("2026-12-01T10:00:00Z\t" + run + "\tstart\tapply\t", "2026-12-01T10:00:01Z\t" + run + "\tdone\tlb\tbase\t0",
                "2026-12-01T10:00:02Z\t" + run + "\tend\tok\t")) {
            lines.append(record).append('\t').append(Journal.checksum(record)).append('\n');
        }
        return lines.toString();
    }

    @Test
    void aLongJournalIsReadFromItsLastEndAndDamageBeforeItIsNotRead() throws Exception {
        Journal j = journal();
        Files.createDirectories(j.file().getParent());
        StringBuilder older = new StringBuilder("damage from long ago\n");
        for (int i = 0; i < 5_000; i++) {
            older.append(endedRun("old" + i));
        }
        Files.writeString(j.file(), older);
        assertEquals(new Journal.Review(java.util.Optional.empty(), List.of()), j.review());
        Files.writeString(j.file(), "not a journal line\n", StandardOpenOption.APPEND);
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        Journal.Review review = j.review();
        assertEquals("run1", review.interrupted().orElseThrow().run());
        assertEquals(1, review.interrupted().orElseThrow().finished());
        assertEquals(List.of("journal line 15002 is damaged; ignoring it"), review.damaged(), "numbered from the journal's first line");
    }

    @Test
    void aJournalPastItsBoundIsCutToItsLastLinesWhenARunStarts() throws Exception {
        Journal j = journal();
        Files.createDirectories(j.file().getParent());
        String run = endedRun("old");
        Files.writeString(j.file(), run.repeat((int) (Journal.COMPACT_ABOVE / run.length()) + 1));
        assertTrue(Files.size(j.file()) > Journal.COMPACT_ABOVE);
        j.start("run1", "apply");
        j.done("run1", "lb", "base", 1);
        assertTrue(Files.size(j.file()) <= Journal.KEEP + 200, "cut to its last MiB: " + Files.size(j.file()));
        List<String> lines = Files.readAllLines(j.file());
        assertTrue(lines.stream().allMatch(l -> Journal.parse(l).isPresent()), "cut at a line's start: every line intact");
        Journal.Review review = j.review();
        assertEquals("run1", review.interrupted().orElseThrow().run());
        assertEquals(List.of(), review.damaged());
        assertTrue(Files.notExists(j.file().resolveSibling("journal.cut")));
    }
}
