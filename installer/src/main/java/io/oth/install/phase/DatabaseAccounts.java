package io.oth.install.phase;

import io.oth.install.DatabaseAccessOp;
import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.op.Operation;
import io.oth.phase.Target;
import io.oth.site.AppAccounts;
import io.oth.site.Node;

import java.util.List;

/**
 * The application's database and account on the local MariaDB, reachable from the app nodes only:
 * the account of the pair the application uses, the other one locked where it exists.
 */
public final class DatabaseAccounts extends LocalServicePhase {
    private final Installer.Inputs inputs;

    public DatabaseAccounts(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs) {
        super(spec, "database");
        this.inputs = inputs;
    }

    @Override
    List<Operation> local(Target t) {
        List<String> apps = t.site().nodesWithRole(Roles.APP).stream().map(Node::address).toList();
        AppAccounts.Account active = inputs.account(AppAccounts.DATABASE_ACCOUNTS);
        return List.of(new DatabaseAccessOp(AppAccounts.DATABASE, List.of(new DatabaseAccessOp.Login(active.user(), inputs.secret(active.secret()))),
                inputs.retired(AppAccounts.DATABASE_ACCOUNTS).map(AppAccounts.Account::user).stream().toList(), apps));
    }
}
