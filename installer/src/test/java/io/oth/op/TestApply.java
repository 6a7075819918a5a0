package io.oth.op;

import io.oth.remote.Host;
import io.oth.remote.HostConnection;

import java.util.function.Consumer;

/** An operation's apply context for tests: the host it runs on, no reconnection, and a log nobody reads. */
public final class TestApply {
    private TestApply() {
    }

    public static ApplyContext on(Host host) {
        return new ApplyContext() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public HostConnection reconnect() {
                throw new UnsupportedOperationException("a test context does not reconnect");
            }

            @Override
            public Consumer<String> log() {
                return line -> { };
            }
        };
    }
}
