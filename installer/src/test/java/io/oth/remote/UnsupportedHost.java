package io.oth.remote;

import io.oth.secret.Secret;

import java.time.Duration;
import java.util.Optional;

/** A test's host that does nothing it was not written to do: each test overrides what its host does. */
public abstract class UnsupportedHost implements Host {
    private final String name;

    protected UnsupportedHost(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        throw new UnsupportedOperationException();
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<byte[]> read(String path) throws RemoteException {
        throw new UnsupportedOperationException();
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        throw new UnsupportedOperationException();
    }
}
