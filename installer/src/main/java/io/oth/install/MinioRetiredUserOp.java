package io.oth.install;

import io.oth.minio.MinioAdmin;
import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Failure;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The application's idle MinIO key of its pair ({@code oth secrets rotate}) does not exist: a
 * rotation makes it again with a fresh secret, and removes the old one once every app node has
 * moved. Read and removed through MinIO's admin API as root, as {@link MinioAccessOp} does.
 */
public record MinioRetiredUserOp(MinioAccessOp.Endpoint endpoint, String user, InitSystem init) implements Operation {
    private static final String KEY = "minio:retired";

    @Override
    public String subject() {
        return "retired object storage key " + user;
    }

    /** Whether MinIO runs, answered in the phase's round of probes. */
    @Override
    public List<Probe> probes() {
        return List.of(MinioAccessOp.service(init).runningProbe());
    }

    @Override
    public Map<String, Probe.Answer> read(Host host, Map<String, Probe.Answer> probed) throws RemoteException {
        if (!MinioAccessOp.running(host, init, probed)) {
            return Map.of(KEY, new Probe.Answer(1, "the minio service is not running"));
        }
        try (Forward forward = host.forward(endpoint.address(), endpoint.port())) {
            return Map.of(KEY, MinioAccessOp.admin(endpoint, forward).user(user).isPresent() ? new Probe.Answer(0, "present") : new Probe.Answer(0, "absent"));
        } catch (IOException e) {
            // As MinioAccessOp answers a MinIO it cannot talk to yet (a plan before the objects phase
            // gave it the site CA's certificate): no answer, nothing planned here. In the same phase,
            // the application's account fails loudly when MinIO still does not answer when applying.
            return Map.of(KEY, new Probe.Answer(1, "cannot read MinIO's user " + user + ": " + e.getMessage()));
        }
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(KEY);
        if (answer == null || !answer.ok() || !answer.output().equals("present")) {
            // Not running: the objects phase starts it, and the next run removes what is left.
            return Optional.empty();
        }
        return Optional.of(Change.of("object storage account: remove the retired key " + user, context -> {
            try (Forward forward = context.host().forward(endpoint.address(), endpoint.port())) {
                MinioAdmin admin = MinioAccessOp.admin(endpoint, forward);
                admin.removeUser(user);
            } catch (IOException e) {
                throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, "MinIO refused to remove " + user + ": " + e.getMessage());
            }
        }));
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "there is no key " + user;
    }
}
