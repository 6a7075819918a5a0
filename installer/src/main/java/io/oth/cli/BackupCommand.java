package io.oth.cli;

import io.oth.backup.Backups;
import io.oth.lock.Holder;
import io.oth.remote.RemoteException;
import io.oth.report.Table;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code oth backup now|list|restore ID}: the application database's backups on the storage node. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back up, list and restore the application database (storage node).",
        subcommands = {BackupCommand.Now.class, BackupCommand.ListBackups.class, BackupCommand.Restore.class})
final class BackupCommand extends CommandGroup {
    /** The steps every backup subcommand shares: load the site, run, report a failure. */
    abstract static class Step implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        SiteOptions options;

        abstract void run(Backups backups, PrintWriter out) throws RemoteException;

        /** The lock options of a step that changes the database (now, restore): it runs under the site's lock, here and on the storage node. */
        Optional<LockOptions> locking() {
            return Optional.empty();
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            Optional<Site> site = options.load(err);
            if (site.isEmpty()) {
                return ExitCode.USAGE.code();
            }
            if (locking().isEmpty()) {
                return backup(site.get(), Optional.empty());
            }
            return locking().get().run(site.get(), spec, err, holder -> backup(site.get(), Optional.of(holder)));
        }

        private int backup(Site site, Optional<Holder> holder) {
            PrintWriter err = spec.commandLine().getErr();
            try {
                run(new Backups(site, options.connector(site), holder), spec.commandLine().getOut());
                return ExitCode.OK.code();
            } catch (IllegalArgumentException e) {
                err.println("oth: " + e.getMessage());
                return ExitCode.USAGE.code();
            } catch (RemoteException e) {
                return SiteOptions.failed(err, e);
            }
        }
    }

    @Command(name = "now", mixinStandardHelpOptions = true, description = "Make a backup now; prints its id.")
    static final class Now extends Step {
        @Mixin
        LockOptions locking;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Override
        void run(Backups backups, PrintWriter out) throws RemoteException {
            out.println(backups.now());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups kept on the storage node.")
    static final class ListBackups extends Step {
        @Override
        void run(Backups backups, PrintWriter out) throws RemoteException {
            List<Backups.Backup> all = backups.list();
            Table table = new Table("ID", "MADE", "SIZE");
            all.forEach(b -> table.row(b.id(), b.made().toString(), b.bytes() + " B"));
            table.print(out);
            out.printf("%d backup(s)%n", all.size());
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore the application database from a backup.")
    static final class Restore extends Step {
        @Mixin
        LockOptions locking;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Parameters(paramLabel = "ID", description = "A backup id from oth backup list.")
        String id;

        @Override
        void run(Backups backups, PrintWriter out) throws RemoteException {
            backups.restore(id);
            out.println("restored " + id);
        }
    }
}
