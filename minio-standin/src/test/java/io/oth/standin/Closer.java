package io.oth.standin;

import java.util.ArrayList;
import java.util.List;

/** What a test started, closed in reverse order by JUnit ({@code @AutoClose}) after each test, or earlier by the test. */
final class Closer implements AutoCloseable {
    private final List<AutoCloseable> started = new ArrayList<>();

    <T extends AutoCloseable> T add(T closeable) {
        started.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
