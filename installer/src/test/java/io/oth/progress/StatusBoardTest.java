package io.oth.progress;

import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the status lines say: the run, then each node at work with its phase, step or wait, and their times. */
class StatusBoardTest {
    private final AtomicLong now = new AtomicLong();
    private final StatusBoard board = new StatusBoard("oth install", "checking the site file and the bundles", now::get);

    private List<String> lines() {
        return board.lines(10, false).stream().map(AttributedString::toString).toList();
    }

    private void later(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void theFirstLineSaysWhatOthDoesUntilTheRunSaysMore() {
        assertEquals(List.of("oth install 0 s · checking the site file and the bundles"), lines());
        Progress.Activity connecting = board.doing("connecting to 4 nodes through bastion 203.0.113.10");
        later(Duration.ofSeconds(2));
        assertEquals(List.of("oth install 2 s · connecting to 4 nodes through bastion 203.0.113.10"), lines());
        connecting.close();
        assertEquals(List.of("oth install 2 s"), lines(), "what was done is not said again");
    }

    @Test
    void eachNodeAtWorkHasALineWithItsPhaseStepAndTime() {
        Progress.Activity haproxy = board.start("lb", "haproxy");
        haproxy.step("write /etc/haproxy/haproxy.cfg");
        later(Duration.ofSeconds(3));
        board.start("storage", "database").step("start mariadb");
        later(Duration.ofSeconds(62));
        assertEquals(List.of("oth install 1:05",
                "  lb       haproxy 1:05  write /etc/haproxy/haproxy.cfg",
                "  storage  database 1:02  start mariadb"), lines());
        haproxy.close();
        assertEquals(List.of("oth install 1:05", "  storage  database 1:02  start mariadb"), lines(), "a node that is done has no line");
    }

    @Test
    void aWaitShowsWhatForAndHowLongAndWinsOverTheOtherWorksOfItsNode() {
        board.start("storage", "broker-accounts").step("rabbitmqctl add_user");
        Progress.Activity objects = board.start("storage", "objects-accounts");
        later(Duration.ofSeconds(5));
        Waiting minio = objects.waitFor("MinIO on 10.77.0.5:9000 to answer");
        later(Duration.ofSeconds(12));
        assertEquals("  storage  objects-accounts 17 s  waiting for MinIO on 10.77.0.5:9000 to answer, 12 s  + broker-accounts", lines().get(1));
        minio.close();
        assertEquals("  storage  broker-accounts 17 s  rabbitmqctl add_user  + objects-accounts", lines().get(1), "the oldest work again");
    }

    @Test
    void moreNodesThanRowsAreCounted() {
        for (int i = 1; i <= 12; i++) {
            board.start("app" + i, "application");
        }
        List<String> lines = board.lines(5, false).stream().map(AttributedString::toString).toList();
        assertEquals(5, lines.size(), lines::toString);
        assertEquals("  ... and 9 more node(s) at work", lines.get(4));
    }

    @Test
    void colourMarksTheNodeAndTheWaitOnlyWhenAsked() {
        board.start("storage", "objects").waitFor("minio to start");
        AttributedString plain = board.lines(10, false).get(1);
        AttributedString coloured = board.lines(10, true).get(1);
        assertEquals(plain.toString(), coloured.toString());
        assertEquals(plain.toAnsi(), plain.toString(), "no escape without colour");
        assertTrue(coloured.toAnsi().contains("\u001b["), coloured.toAnsi());
    }

    @Test
    void timesReadAsAPersonCountsThem() {
        assertEquals("0 s", StatusBoard.elapsed(999_999_999L));
        assertEquals("59 s", StatusBoard.elapsed(Duration.ofSeconds(59).toNanos()));
        assertEquals("1:00", StatusBoard.elapsed(Duration.ofSeconds(60).toNanos()));
        assertEquals("1:02:03", StatusBoard.elapsed(Duration.ofSeconds(3723).toNanos()));
    }
}
