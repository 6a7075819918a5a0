package io.oth.concurrent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeadlineTest {

    /**
     * The thread that the action wakes checks {@link Deadline#passed()} at once to name the
     * failure: it must already be true then, even while the action is still running (CI once saw
     * a node's silent sshd reported as "unreachable" because the flag was set after the action).
     */
    @Test
    void theWaiterWokenByTheActionAlreadySeesItPassed() throws Exception {
        CountDownLatch woken = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        try (Deadline deadline = Deadline.after(Duration.ofMillis(20), () -> {
            woken.countDown();
            await(checked);
        })) {
            assertTrue(woken.await(5, TimeUnit.SECONDS));
            boolean seen = deadline.passed();
            checked.countDown();
            assertTrue(seen);
        }
    }

    @Test
    void aWaitThatEndedByItselfIsNotPassedAndItsActionDoesNotRun() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        CountDownLatch asked = new CountDownLatch(1);
        Deadline deadline = Deadline.after(Duration.ofMillis(20), () -> {
            asked.countDown();
            return false;
        }, () -> ran.set(true));
        assertTrue(asked.await(5, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertFalse(deadline.passed());
        assertFalse(ran.get());
    }

    @Test
    void aClosedDeadlineDoesNotRun() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Deadline deadline = Deadline.after(Duration.ofMillis(50), () -> ran.set(true));
        deadline.close();
        Thread.sleep(150);
        assertFalse(ran.get());
        assertFalse(deadline.passed());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
