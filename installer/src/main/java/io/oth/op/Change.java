package io.oth.op;

import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.remote.Upload;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One planned change on one host: what {@code --check} prints and what apply then does, exactly. */
public interface Change {

    /** One line: what will change, e.g. {@code write /etc/haproxy/haproxy.cfg (0644 root)}. */
    String summary();

    /** More for a person: a unified diff, or a rule listing; empty when there is nothing more to show. */
    default String detail() {
        return "";
    }

    /** Services to reload after this change. */
    default Set<String> notifies() {
        return Set.of();
    }

    void apply(ApplyContext context) throws RemoteException;

    /**
     * What puts this change back once it was applied, when a later change of the same phase fails on
     * its node (the runner drives it, {@code io.oth.phase.Rollback}); empty when the change stays and
     * the next run repairs from the facts.
     */
    default Optional<Change> undo() {
        return Optional.empty();
    }

    /** What applying a change does on its host. */
    @FunctionalInterface
    interface Action {
        void apply(ApplyContext context) throws RemoteException;

    /**
     * What puts this change back once it was applied, when a later change of the same phase fails on
     * its node (the runner drives it, {@code io.oth.phase.Rollback}); empty when the change stays and
     * the next run repairs from the facts.
     */
    default Optional<Change> undo() {
        return Optional.empty();
    }
    }

    /**
     * A change that is only uploads (a file; a certificate, its key and its chain). The phase runner
     * sends a phase's consecutive ones to a node in one round trip ({@link Host#upload(List)}).
     */
    interface Uploading extends Change {
        /** The files, in order, their bytes made or read now; {@code host} names the node in a refusal. */
        List<Upload> uploads(String host) throws RemoteException;

        @Override
        default void apply(ApplyContext context) throws RemoteException {
            context.host().upload(uploads(context.host().name()));
        }
    }

    static Change of(String summary, Action action) {
        return of(summary, "", Set.of(), action);
    }

    static Change of(String summary, String detail, Set<String> notifies, Action action) {
        return new Planned(summary, detail, notifies, action);
    }

    /** A change that only fails, saying {@code why}: what a plan holds where the node must not be changed (its phase stops there). */
    static Change refusal(String summary, String why) {
        return of(summary, context -> {
            throw new RemoteException(context.host().name(), Failure.COMMAND_FAILED, why);
        });
    }

    /** A change made of its parts. */
    record Planned(String summary, String detail, Set<String> notifies, Action action) implements Change {
        @Override
        public void apply(ApplyContext context) throws RemoteException {
            action.apply(context);
        }
    }
}
