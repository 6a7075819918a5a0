package io.oth.progress;

import java.util.function.Supplier;

/** Where a run's {@link Progress} is shown while it runs; closing it leaves only the lines the run printed. */
public interface Display extends AutoCloseable {
    /** Nothing shown: plain lines only. */
    Display PLAIN = new Display() {
        @Override
        public Progress progress() {
            return Progress.NONE;
        }

        @Override
        public void close() {
        }
    };

    Progress progress();

    /** Asks a person with {@code question} (a passphrase prompt): nothing else is drawn on the terminal while it is asked. */
    default <T> T asking(Supplier<T> question) {
        return question.get();
    }

    @Override
    void close();
}
