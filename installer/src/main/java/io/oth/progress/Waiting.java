package io.oth.progress;

/** A wait in progress: shown with how long it has lasted, until it is closed. */
@FunctionalInterface
public interface Waiting extends AutoCloseable {
    Waiting NONE = () -> { };

    @Override
    void close();

    /** Both waits, closed together (the second first). */
    default Waiting and(Waiting other) {
        return () -> {
            try {
                other.close();
            } finally {
                close();
            }
        };
    }
}
