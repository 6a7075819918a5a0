package io.oth.remote;

import io.oth.progress.Progress;
import io.oth.progress.Waiting;
import io.oth.secret.Secret;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Host} whose waits show in one piece of work's status line ({@link Progress.Activity}):
 * what an operation that is handed only a host says it waits for reaches the person watching.
 */
public final class ReportedHost implements Host {
    private final Host host;
    private final Progress.Activity activity;

    private ReportedHost(Host host, Progress.Activity activity) {
        this.host = host;
        this.activity = activity;
    }

    /** {@code host}, its waits shown as {@code activity}'s; {@code host} itself when nobody watches. */
    public static Host of(Host host, Progress.Activity activity) {
        return activity == Progress.Activity.NONE ? host : new ReportedHost(host, activity);
    }

    @Override
    public String name() {
        return host.name();
    }

    @Override
    public CommandResult run(Command command, Duration timeout) throws RemoteException {
        return host.run(command, timeout);
    }

    @Override
    public CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException {
        return host.run(command, input, timeout);
    }

    @Override
    public void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException {
        StepWaits.shownBy(this, () -> host.upload(content, path, owner, mode, check));
    }

    @Override
    public void upload(List<Upload> files) throws RemoteException {
        StepWaits.shownBy(this, () -> host.upload(files));
    }

    @Override
    public Optional<byte[]> read(String path) throws RemoteException {
        return host.read(path);
    }

    @Override
    public Forward forward(String address, int port) throws RemoteException {
        return host.forward(address, port);
    }

    @Override
    public Waiting waitingFor(String what) {
        return activity.waitFor(what).and(host.waitingFor(what));
    }
}
