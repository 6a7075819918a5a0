package io.oth.op;

import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;

import java.util.function.Consumer;

/** What a change may use while it is applied on one host. */
public interface ApplyContext {

    Host host();

    /**
     * A new SSH connection to the same node over the same path (bastion, then node); proves oth can
     * still get in. Closed by the caller.
     */
    HostConnection reconnect() throws RemoteException;

    /** Progress lines for the person watching, prefixed with the host by the caller. */
    Consumer<String> log();
}
