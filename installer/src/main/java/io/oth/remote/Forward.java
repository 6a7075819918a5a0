package io.oth.remote;

import java.io.Closeable;

/** A local port on the operator's side that reaches an address as seen from a node. */
public interface Forward extends Closeable {
    int localPort();

    @Override
    void close();
}
