package io.oth.remote;

import io.oth.progress.Waiting;
import io.oth.secret.Secret;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A node oth has logged into. The only way the rest of oth acts on a machine: implementations
 * hold one connection and reuse it for every call; commands run as root (through {@code sudo -n}
 * for a non-root login).
 */
public interface Host {

    /** The node's name in the site file. */
    String name();

    CommandResult run(Command command, Duration timeout) throws RemoteException;

    /**
     * Runs a command that reads {@code input} on its stdin: the way secrets reach programs (SQL with
     * a password for {@code mariadb}, a password for {@code rabbitmqctl}), never through argv.
     */
    CommandResult run(Command command, Secret input, Duration timeout) throws RemoteException;

    /** Writes {@code content} to {@code path} through a temporary file in the same directory and a rename. */
    default void upload(byte[] content, String path, String owner, String mode) throws RemoteException {
        upload(content, path, owner, mode, null);
    }

    /**
     * Like {@link #upload(byte[], String, String, String)}, but first runs {@code check} (a shell
     * command that finds the staged file in {@code "$1"}, e.g. {@code haproxy -c -q -f "$1"}); the
     * file is installed only when the check passes, else {@link Failure#CHECK_FAILED} with its output.
     */
    void upload(byte[] content, String path, String owner, String mode, String check) throws RemoteException;

    /**
     * Uploads {@code files} in order, each as {@link #upload(byte[], String, String, String, String)}
     * does; an implementation may send them in one round trip ({@link Upload#script}). On a failure,
     * {@link Upload.Failed#landed()} says how many, from the first, are in place.
     */
    default void upload(List<Upload> files) throws RemoteException {
        for (int i = 0; i < files.size(); i++) {
            Upload f = files.get(i);
            try {
                upload(f.content(), f.path(), f.owner(), f.mode(), f.check());
            } catch (Upload.Failed e) {
                throw new Upload.Failed(e, i + e.landed());
            } catch (RemoteException e) {
                throw new Upload.Failed(e, i);
            }
        }
    }

    /** The file's bytes, or empty when it does not exist. */
    Optional<byte[]> read(String path) throws RemoteException;

    /** Opens a local port forward to {@code address:port} as reached from this node. */
    Forward forward(String address, int port) throws RemoteException;

    /**
     * Says that the work on this node waits for {@code what} ("MinIO on 10.77.0.5:9000", "minio to
     * start") until the returned wait is closed: a status line shows it with its time, the run log
     * its length. A plain host keeps nothing.
     */
    default Waiting waitingFor(String what) {
        return Waiting.NONE;
    }
}
