package io.oth.remote;

import io.oth.progress.Waiting;

/**
 * The waits of the step running on this thread, for the host below the one that step was handed
 * (an SSH connection waiting for its turn to upload): that host has no activity of its own to show
 * them in. {@link ReportedHost} (the status line, and the run log through the hosts below it) and
 * {@link TracedHost} (the run log, when nobody watches) name themselves here around each upload
 * they pass on; the outermost one shows the wait.
 */
public final class StepWaits {
    private static final ThreadLocal<Host> SHOWN_BY = new ThreadLocal<>();

    private StepWaits() {
    }

    /** A wait shown where the step running on this thread shows its waits; nowhere when none is watched. */
    public static Waiting waitingFor(String what) {
        Host host = SHOWN_BY.get();
        return host == null ? Waiting.NONE : host.waitingFor(what);
    }

    /** Runs {@code call} with the waits below it shown by {@code host}, unless a host above it shows them already. */
    static void shownBy(Host host, Call call) throws RemoteException {
        if (SHOWN_BY.get() != null) {
            call.run();
            return;
        }
        SHOWN_BY.set(host);
        try {
            call.run();
        } finally {
            SHOWN_BY.remove();
        }
    }

    @FunctionalInterface
    interface Call {
        void run() throws RemoteException;
    }
}
