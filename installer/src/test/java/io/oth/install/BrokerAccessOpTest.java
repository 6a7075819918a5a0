package io.oth.install;

import io.oth.op.Change;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RabbitMQ's pair of application users: the active one as install wants it, the retired one deleted. */
class BrokerAccessOpTest {
    private static final byte[] SALT = {1, 2, 3, 4};

    private static String user(String name, String password, String tags) {
        return "{\"name\": \"" + name + "\", \"password_hash\": \"" + BrokerAccessOp.hash(SALT, password) + "\", \"tags\": [" + tags + "]}";
    }

    private static String permission(String user, String vhost) {
        return "{\"user\": \"" + user + "\", \"vhost\": \"" + vhost + "\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}";
    }

    private static Optional<Change> plan(BrokerAccessOp op, String... users) {
        String definitions = "{\"users\": [" + String.join(", ", users) + "], \"vhosts\": [{\"name\": \"oth\"}], \"permissions\": ["
                + permission("oth-app-b", "oth") + ", " + permission("oth-app", "oth") + "]}";
        return op.plan(Map.of("rabbitmq:definitions", new Probe.Answer(0, definitions)), Set.of());
    }

    private static BrokerAccessOp rotated() {
        return new BrokerAccessOp("oth", List.of(new BrokerAccessOp.Login("oth-app-b", Secret.of("new-pw"))), List.of("oth-app"), "oth-admin",
                Secret.of("admin-pw"), Optional.empty());
    }

    @Test
    void afterARotationTheOldUserIsDeletedAndThenNothingIsLeftToDo() {
        Change change = plan(rotated(), user("oth-app-b", "new-pw", ""), user("oth-app", "old-pw", ""), user("oth-admin", "admin-pw", "\"administrator\""))
                .orElseThrow();
        assertEquals("broker accounts: delete user oth-app", change.summary());
        assertEquals(Optional.empty(), plan(rotated(), user("oth-app-b", "new-pw", ""), user("oth-admin", "admin-pw", "\"administrator\"")));
    }

    @Test
    void duringARotationBothUsersLogInAndTheDefinitionsCarryNoPassword() {
        BrokerAccessOp both = new BrokerAccessOp("oth", List.of(new BrokerAccessOp.Login("oth-app", Secret.of("old-pw")),
                new BrokerAccessOp.Login("oth-app-b", Secret.of("new-pw"))), List.of(), "oth-admin", Secret.of("admin-pw"), Optional.empty());
        Change change = plan(both, user("oth-app", "old-pw", ""), user("oth-admin", "admin-pw", "\"administrator\"")).orElseThrow();
        assertEquals("broker accounts: create user oth-app-b", change.summary());
        String definitions = both.definitions();
        assertTrue(definitions.contains("\"name\": \"oth-app-b\"") && definitions.contains("\"name\": \"oth-app\"") && !definitions.contains("new-pw"),
                definitions);
    }

    @Test
    void anAdministratorTheApiRefusesHasEveryAccountSetAndANodesLookalikeTextChangesNothing() {
        Change refused = rotated().plan(Map.of("rabbitmq:definitions", new Probe.Answer(1, BrokerAccessOp.ADMIN_REFUSED)), Set.of()).orElseThrow();
        assertEquals("broker accounts: oth-admin cannot log in to the management API (not made yet, or changed there): all accounts will be set,"
                + " delete user guest", refused.summary());
        // The same words as a node's definitions do not parse (a node may send anything): every account is set, nothing is thrown.
        Change odd = rotated().plan(Map.of("rabbitmq:definitions", new Probe.Answer(0, BrokerAccessOp.ADMIN_REFUSED)), Set.of()).orElseThrow();
        assertTrue(odd.summary().startsWith("broker accounts: RabbitMQ's definitions did not parse (\"@@oth: the management API"), odd.summary());
        assertTrue(odd.summary().endsWith("all accounts will be set, delete user guest"), odd.summary());
    }

    /**
     * A RabbitMQ that runs and answered neither through its API nor to rabbitmqctl (hung): the plan
     * refuses, naming why; one that does not run yet (a plan before the phase that starts it) has
     * every account set.
     */
    @Test
    void aRunningRabbitMqThatDidNotAnswerTheReadIsARefusalOneNotRunningHasEveryAccountSet() {
        Change silent = rotated().plan(Map.of("rabbitmq:definitions", new Probe.Answer(1,
                "Error: unable to perform an operation on node 'rabbit@localhost'. Please see diagnostics information")), Set.of()).orElseThrow();
        assertEquals("broker accounts: cannot read RabbitMQ's accounts: RabbitMQ did not answer (\"Error: unable to perform an operation on node"
                + " 'rabbit@localhost'. Please see dia\" (100 characters, cut))", silent.summary());
        io.oth.remote.RemoteException refused = org.junit.jupiter.api.Assertions.assertThrows(io.oth.remote.RemoteException.class,
                () -> silent.apply(io.oth.op.TestApply.on(new io.oth.remote.RecordingHost("storage"))));
        assertTrue(refused.getMessage().startsWith("storage: remote operation failed: cannot read RabbitMQ's accounts: RabbitMQ did not answer"),
                refused.getMessage());
        Change notRunning = rotated().plan(Map.of("rabbitmq:definitions", new Probe.Answer(1, "RabbitMQ is not running\n")), Set.of()).orElseThrow();
        assertEquals("broker accounts: RabbitMQ did not answer (\"RabbitMQ is not running\"): all accounts will be set, delete user guest",
                notRunning.summary());
        Change notInstalled = rotated().plan(Map.of("rabbitmq:definitions", new Probe.Answer(127, "sh: 1: rabbitmqctl: not found")), Set.of())
                .orElseThrow();
        assertTrue(notInstalled.summary().endsWith("all accounts will be set, delete user guest"), notInstalled.summary());
    }
}
