package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.oth.sample.HealthCheck.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeptConnectionTest {

    /** A stand-in connection: which one it is, and whether its round trips pass. */
    private static final class Conn {
        final int id;
        boolean answers = true;

        Conn(int id) {
            this.id = id;
        }
    }

    private final List<Conn> opened = new ArrayList<>();
    private final List<Integer> closed = new ArrayList<>();
    private final List<Integer> used = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private boolean serviceUp = true;
    private boolean newOnesAnswer = true;

    private final KeptConnection<Conn> kept = new KeptConnection<>(() -> {
        if (!serviceUp) {
            throw new KeptConnection.NotOpened(Result.fail("connect to db:3306: connection refused"));
        }
        Conn c = new Conn(opened.size() + 1);
        c.answers = newOnesAnswer;
        opened.add(c);
        return c;
    }, c -> {
        used.add(c.id);
        return c.answers ? Result.pass() : Result.fail("SELECT 1: connection " + c.id + " reset");
    }, c -> closed.add(c.id), clock::get);

    @Test
    void checksMakeTheirRoundTripsOnOneConnection() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Result.pass(), kept.run(false));
        }
        assertEquals(1, opened.size());
        assertEquals(List.of(1, 1, 1), used);
        assertEquals(List.of(), closed);
    }

    @Test
    void aKeptConnectionThatFailsIsReplacedInTheSameCheck() {
        kept.run(false);
        opened.get(0).answers = false;
        assertEquals(Result.pass(), kept.run(false));
        assertEquals(List.of(1, 1, 2), used);
        assertEquals(List.of(1), closed);
    }

    @Test
    void aServiceThatWentAwayFailsWithTheNewConnectionsReason() {
        kept.run(false);
        opened.get(0).answers = false;
        serviceUp = false;
        assertEquals(Result.fail("connect to db:3306: connection refused"), kept.run(false));
        assertEquals(List.of(1), closed);
        serviceUp = true;
        assertEquals(Result.pass(), kept.run(false));
        assertEquals(2, opened.size());
    }

    @Test
    void aNewConnectionThatFailsItsRoundTripIsNotKept() {
        newOnesAnswer = false;
        assertEquals(Result.fail("SELECT 1: connection 1 reset"), kept.run(false));
        assertEquals(List.of(1), closed);
        newOnesAnswer = true;
        assertEquals(Result.pass(), kept.run(false));
        assertEquals(List.of(1, 2), used);
    }

    @Test
    void noConnectionIsUsedPastItsMaximumAge() {
        kept.run(false);
        clock.addAndGet(KeptConnection.MAX_AGE.toNanos() - 1);
        kept.run(false);
        assertEquals(1, opened.size());
        clock.addAndGet(1);
        kept.run(false);
        assertEquals(2, opened.size());
        assertEquals(List.of(1), closed);
        assertEquals(List.of(1, 1, 2), used);
    }

    @Test
    void aFreshCheckOpensANewConnectionAndKeepsIt() {
        kept.run(false);
        kept.run(true);
        kept.run(false);
        assertEquals(2, opened.size());
        assertEquals(List.of(1), closed);
        assertEquals(List.of(1, 2, 2), used);
    }

    @Test
    void closingDropsTheKeptConnection() {
        kept.run(false);
        kept.close();
        kept.close();
        assertEquals(List.of(1), closed);
    }
}
