package io.oth.remote;

import java.io.Closeable;

/** A local port on the operator's side that reaches an address as seen from a node. */
public interface Forward extends Closeable {
    int localPort();

    /**
     * Why the node would not open the channel behind a connection to {@link #localPort()}, once it
     * has refused one (its sshd forbids forwarding): a client there only sees the connection closed.
     */
    default java.util.Optional<RemoteException> refusal() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
