package io.oth.phase;

import java.util.Optional;

/**
 * A hook for the fault suite only: {@code OTH_TEST_DIE_AT} names a point of the phase runner where
 * oth halts at once, as if killed with SIGKILL (exit 137; no shutdown hook, no journal end, no
 * clean-up), so that a test can prove that the next run completes from there. The points are
 * {@code phase:NAME:before} (the first node is about to run phase NAME), {@code phase:NAME:after}
 * (a node has finished it and the journal says so) and {@code mid:NAME} (a node has applied the
 * first change of phase NAME). Unset, as in every real use, it does nothing.
 */
final class CrashPoint {
    static final String VARIABLE = "OTH_TEST_DIE_AT";

    private final Optional<String> at;

    CrashPoint(Optional<String> at) {
        this.at = at.map(String::strip).filter(s -> !s.isEmpty());
    }

    static CrashPoint fromEnvironment() {
        return new CrashPoint(Optional.ofNullable(System.getenv(VARIABLE)));
    }

    void before(String phase) {
        reached("phase:" + phase + ":before");
    }

    void after(String phase) {
        reached("phase:" + phase + ":after");
    }

    void mid(String phase) {
        reached("mid:" + phase);
    }

    private void reached(String point) {
        if (at.isPresent() && at.get().equals(point)) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
