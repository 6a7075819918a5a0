package io.oth.remote.ssh;

import io.oth.progress.Waiting;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.Timeout(30)
class TransferGateTest {
    private static final long MB = 1 << 20;

    @Test
    void whileTheSlotsAreTakenTheLargestWaitingUploadGoesNextAndSmallOnesNeverWait() throws Exception {
        TransferGate gate = new TransferGate(1);
        TransferGate.Turn first = gate.enter(15 * MB, () -> Waiting.NONE);
        List<Long> order = new CopyOnWriteArrayList<>();
        List<Thread> waiting = new java.util.ArrayList<>();
        // Two release-sized uploads ask first, then MinIO's larger bundle.
        for (long size : new long[] {15 * MB, 15 * MB + 1, 35 * MB}) {
            Thread t = new Thread(() -> {
                try (TransferGate.Turn turn = gate.enter(size, () -> Waiting.NONE)) {
                    order.add(size);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            waiting.add(t);
            waitUntilWaiting(t);
        }
        // A small file (a configuration, a certificate) goes at once, slot or not.
        try (TransferGate.Turn small = gate.enter(TransferGate.BULK_BYTES - 1, () -> Waiting.NONE)) {
            assertTrue(order.isEmpty());
        }
        first.close();
        for (Thread t : waiting) {
            t.join(5000);
        }
        assertEquals(List.of(35 * MB, 15 * MB + 1, 15 * MB), order);
    }

    @Test
    void noMoreThanItsSlotsGoAtOnce() throws Exception {
        TransferGate gate = new TransferGate(2);
        TransferGate.Turn a = gate.enter(2 * MB, () -> Waiting.NONE);
        TransferGate.Turn b = gate.enter(2 * MB, () -> Waiting.NONE);
        CountDownLatch third = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (TransferGate.Turn c = gate.enter(2 * MB, () -> Waiting.NONE)) {
                third.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertTrue(!third.await(200, TimeUnit.MILLISECONDS), "a third upload went while two slots were taken");
        a.close();
        assertTrue(third.await(5, TimeUnit.SECONDS));
        b.close();
        t.join(5000);
    }

    @Test
    void anUploadInterruptedWhileWaitingGivesUpItsPlace() throws Exception {
        TransferGate gate = new TransferGate(1);
        TransferGate.Turn first = gate.enter(2 * MB, () -> Waiting.NONE);
        Thread big = new Thread(() -> assertThrows(InterruptedException.class, () -> gate.enter(50 * MB, () -> Waiting.NONE)));
        big.start();
        waitUntilWaiting(big);
        big.interrupt();
        big.join(5000);
        first.close();
        // The interrupted one no longer stands first in line.
        try (TransferGate.Turn next = gate.enter(3 * MB, () -> Waiting.NONE)) {
            assertTrue(true);
        }
    }

    @Test
    void aWaitIsAnnouncedOnlyWhenThereIsOneAndEndsWhenTheTurnComes() throws Exception {
        TransferGate gate = new TransferGate(1);
        List<String> said = new CopyOnWriteArrayList<>();
        TransferGate.Turn first = gate.enter(2 * MB, () -> {
            said.add("first waits");
            return Waiting.NONE;
        });
        Thread second = new Thread(() -> {
            try (TransferGate.Turn turn = gate.enter(2 * MB, () -> {
                said.add("second waits");
                return () -> said.add("second's wait ends");
            })) {
                said.add("second goes");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        second.start();
        waitUntilWaiting(second);
        assertEquals(List.of("second waits"), said);
        first.close();
        second.join(5000);
        assertEquals(List.of("second waits", "second's wait ends", "second goes"), said);
    }

    @Test
    void aGateNeedsASlot() {
        assertThrows(IllegalArgumentException.class, () -> new TransferGate(0));
    }

    private static void waitUntilWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, t.getState());
    }
}
