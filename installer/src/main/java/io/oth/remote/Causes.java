package io.oth.remote;

/** What an exception's chain of causes holds: the library that threw often wraps what happened. */
public final class Causes {
    private Causes() {
    }

    /** Whether {@code e} or one of its causes is a {@code type}. */
    public static boolean include(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
