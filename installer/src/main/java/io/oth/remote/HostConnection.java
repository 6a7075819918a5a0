package io.oth.remote;

/** One node reached on its own (its own connection through the bastion), closed when done. */
public interface HostConnection extends AutoCloseable {
    Host host();

    /** Runs a command on the node with a generous timeout. */
    default CommandResult run(Command command) throws RemoteException {
        return host().run(command, java.time.Duration.ofMinutes(30));
    }

    @Override
    void close();

    /** {@code host}, with {@code onClose} to run when it is closed (e.g. ending its own connection). */
    static HostConnection of(Host host, Runnable onClose) {
        return new HostConnection() {
            @Override
            public Host host() {
                return host;
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }
}
