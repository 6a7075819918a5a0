package io.oth.op;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A certificate reload runs when a change asks for it, and not after its service (re)started in the same phase. */
class ReloadOpTest {
    private static final ReloadOp FLUSH = new ReloadOp("mariadb-tls", "reload MariaDB's certificate", "mariadb -e 'FLUSH SSL'").unlessStarted("mariadb");

    /** Plans the operations in order, as the phase runner does, and says what each planned. */
    private static List<String> plan(boolean running, Set<String> asked) {
        ServiceOp service = new ServiceOp("mariadb", InitSystem.SYSV, true);
        Map<String, Probe.Answer> answers = Map.of(service.probes().get(0).key(), new Probe.Answer(running ? 0 : 3, ""));
        Set<String> notified = new HashSet<>(asked);
        List<String> planned = new java.util.ArrayList<>();
        for (Operation op : List.of(service, FLUSH)) {
            Optional<Change> change = op.plan(answers, notified);
            change.ifPresent(c -> {
                notified.addAll(c.notifies());
                planned.add(c.summary());
            });
        }
        return planned;
    }

    @Test
    void aNewCertificateForARunningServiceIsReloaded() {
        assertEquals(List.of("reload MariaDB's certificate"), plan(true, Set.of("mariadb-tls")));
    }

    @Test
    void aServiceThatStartsOrRestartsReadsItsCertificateThenAndIsNotReloadedAfter() {
        assertEquals(List.of("start mariadb"), plan(false, Set.of("mariadb-tls")));
        assertEquals(List.of("restart mariadb"), plan(true, Set.of("mariadb-tls", "mariadb")));
        assertTrue(FLUSH.noChange(Map.of(), Set.of("mariadb-tls", ServiceOp.started("mariadb"))).startsWith("mariadb (re)starts in this phase"));
    }

    @Test
    void withoutAServiceNamedTheReloadFollowsTheAskAlone() {
        ReloadOp plain = new ReloadOp("rabbitmq-tls", "reload", "true");
        assertTrue(plain.plan(Map.of(), Set.of("rabbitmq-tls", ServiceOp.started("rabbitmq-server"))).isPresent());
        assertTrue(plain.plan(Map.of(), Set.of()).isEmpty());
    }
}
