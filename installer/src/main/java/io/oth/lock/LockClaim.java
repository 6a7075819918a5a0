package io.oth.lock;

import java.time.Duration;

/**
 * A run's claim on a site's locks, on the operator's side and on every node: who it is, and how
 * long it waits for a lock another live run holds ({@code --lock-wait}; zero refuses at once).
 */
public record LockClaim(Holder holder, Duration lockWait) {
    public LockClaim {
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("a lock wait is never negative: " + lockWait);
        }
    }
}
