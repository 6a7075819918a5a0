package io.oth.check;

import io.oth.ca.SiteCa;
import io.oth.install.MinioAccessOp;
import io.oth.op.InitSystem;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Host;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * posture.objects: MinIO's application key as install sets it (its bucket, a policy on that bucket
 * only, the user enabled with exactly that policy, the site's secret accepted). Install's own
 * operation reads the accounts through MinIO's admin API, over a forward from the storage node, and
 * plans; a plan that is not empty is drift (an extra policy attached by hand widens what the
 * application's key may do), named by what install would do.
 */
final class ObjectAccountsCheck {
    static final String ID = "posture.objects";
    private static final String TARGET = "MinIO accounts";

    private final Site site;
    private final Supplier<Optional<SiteCa>> siteCa;
    private final Supplier<Optional<Secrets>> secrets;
    private final int port;
    private final Duration timeout;

    ObjectAccountsCheck(Site site, Supplier<Optional<SiteCa>> siteCa, Supplier<Optional<Secrets>> secrets, int port, Duration timeout) {
        this.site = site;
        this.siteCa = siteCa;
        this.secrets = secrets;
        this.port = port;
        this.timeout = timeout;
    }

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "MinIO as install secures it: the application's key enabled, with the policy on its bucket and no other",
                List.of(Vantage.STORAGE)));
    }

    /** Whether {@code node} runs the site's MinIO, which this check reads. */
    boolean runsOn(Node node) {
        return node.role().equals(Vantage.STORAGE) && site.storage().objects().isLocal();
    }

    /** The finding for {@code node}, read through {@code host}; call only where {@link #runsOn} holds. */
    Finding on(Node node, Host host) {
        Optional<SiteCa> ca = siteCa.get();
        Optional<Secret> root = secret(AppAccounts.OBJECTS_ROOT_SECRET);
        Optional<AppAccounts.Account> active = secrets.get().map(AppAccounts.OBJECTS_ACCOUNTS::active);
        Optional<Secret> app = active.flatMap(a -> secret(a.secret()));
        if (ca.isEmpty() || root.isEmpty() || app.isEmpty()) {
            return new Finding(ID, node.name(), TARGET, Verdict.SKIP, "no site CA and secrets on this machine yet", "run oth doctor where oth install ran");
        }
        try {
            CommandResult probe = host.run(Command.shell(InitSystem.PROBE), timeout);
            Optional<InitSystem> init = InitSystem.parse(probe.stdout().strip());
            if (init.isEmpty()) {
                return new Finding(ID, node.name(), TARGET, Verdict.FAIL, "the node's init system is unknown: " + NodeText.shown(probe.stdout().strip()), "");
            }
            MinioAccessOp op = new MinioAccessOp(new MinioAccessOp.Endpoint(node.address(), port, ca.get().rootCertificate(), AppAccounts.OBJECTS_ROOT,
                    root.get()), AppAccounts.OBJECTS_BUCKET, AppAccounts.OBJECTS_KEY, active.orElseThrow().user(), app.get(), init.get());
            return SecurityCheck.drift(ID, node, TARGET, op.plan(op.read(host), Set.of()));
        } catch (RemoteException e) {
            return new Finding(ID, node.name(), TARGET, Verdict.FAIL, "cannot read MinIO's accounts: " + e.getMessage(),
                    "is MinIO running on " + node.name() + "? (see ports.app-storage and service.objects)");
        }
    }

    private Optional<Secret> secret(String name) {
        return secrets.get().flatMap(s -> s.get(name));
    }
}
