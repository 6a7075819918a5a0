package io.oth.op;

import io.oth.remote.RemoteException;

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
}
