package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.install.BrokerAccessOp;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * posture.broker: RabbitMQ as install secures it (no guest, the application's user on its vhost
 * only, oth's administrator). Install's own operation reads the definitions from the management API
 * as oth's administrator, through a forward from the storage node over TLS to the site CA (with
 * rabbitmqctl where the API does not answer), and plans; a plan that is not empty is drift, named
 * by what install would do. Read beside the node's probes, not among them: rabbitmqctl starts an
 * Erlang VM, seconds on the node's probe round.
 */
final class BrokerAccountsCheck {
    static final String ID = "posture.broker";
    private static final String TARGET = "RabbitMQ accounts";

    private final Site site;
    private final Supplier<Optional<SiteCa>> siteCa;
    private final Supplier<Optional<Secrets>> secrets;
    private final int port;
    private final Duration patience;

    /**
     * {@code port}: the management API's TLS port on the storage node; {@code patience}: how long it
     * may take to answer (doctor's probe timeout). Where it refuses or cannot be reached, rabbitmqctl
     * reads the accounts, in a few times that; where it takes the connection and does not answer in
     * time (a hung RabbitMQ), that is the finding, without rabbitmqctl's wait.
     */
    BrokerAccountsCheck(Site site, Supplier<Optional<SiteCa>> siteCa, Supplier<Optional<Secrets>> secrets, int port, Duration patience) {
        this.site = site;
        this.siteCa = siteCa;
        this.secrets = secrets;
        this.port = port;
        this.patience = patience;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "RabbitMQ as install secures it: no guest, the application's user on its vhost only",
                List.of(Vantage.STORAGE)));
    }

    /** Whether {@code node} runs the site's RabbitMQ, which this check reads. */
    boolean runsOn(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().broker().isLocal();
    }

    /** The finding for {@code node}, read through {@code host}; call only where {@link #runsOn} holds. */
    Finding on(Node node, Host host) {
        Optional<SiteCa> ca = siteCa.get();
        Optional<AppAccounts.Account> active = secrets.get().map(AppAccounts.BROKER_ACCOUNTS::active);
        Optional<Secret> app = active.flatMap(a -> secret(a.secret()));
        Optional<Secret> admin = secret(AppAccounts.BROKER_ADMIN_SECRET);
        if (ca.isEmpty() || app.isEmpty() || admin.isEmpty()) {
            return new Finding(ID, node.name(), TARGET, Verdict.SKIP, "no site CA and secrets on this machine yet", "run oth doctor where oth install ran");
        }
        List<String> retired = AppAccounts.BROKER_ACCOUNTS.retired(secrets.get().orElseThrow()).map(AppAccounts.Account::user).stream().toList();
        BrokerAccessOp op = new BrokerAccessOp(AppAccounts.BROKER_VHOST, List.of(new BrokerAccessOp.Login(active.orElseThrow().user(), app.get())), retired,
                AppAccounts.BROKER_ADMIN, admin.get(), Optional.of(new BrokerAccessOp.Management(node.address(), port, ca.get().rootCertificate(), patience, false)));
        String hint = "is RabbitMQ running on " + node.name() + "? (see service.broker)";
        try {
            return SecurityCheck.accounts(ID, node, TARGET, "RabbitMQ", op, op.read(host, Map.of()), hint);
        } catch (RemoteException e) {
            return new Finding(ID, node.name(), TARGET, Verdict.FAIL, SecurityCheck.unread("RabbitMQ", e), hint);
        }
    }

    private Optional<Secret> secret(String name) {
        return secrets.get().flatMap(s -> s.get(name));
    }
}
