package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.RemoteException;

import java.time.Duration;
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

    /** Runs a command on the host; a non-zero exit is a failure that says {@code what} failed and what the node answered. */
    default CommandResult runOrFail(Command command, Duration timeout, String what) throws RemoteException {
        CommandResult r = host().run(command, timeout);
        if (!r.ok()) {
            throw new RemoteException(host().name(), Failure.COMMAND_FAILED, what + ": " + r.diagnostic());
        }
        return r;
    }
}
