package io.oth.cli;

import io.oth.backup.Backups;
import io.oth.remote.RemoteException;
import io.oth.report.BackupsJson;
import io.oth.report.Table;
import io.oth.site.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;

/** {@code oth backup now|list|restore ID}: the application database's backups on the storage node. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back up, list and restore the application database (storage node).",
        subcommands = {BackupCommand.Now.class, BackupCommand.ListBackups.class, BackupCommand.Restore.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Back up the application database now:",
            "    oth backup now",
            "  List the backups, then restore one:",
            "    oth backup list && oth backup restore oth-20261203T120000Z"})
final class BackupCommand extends CommandGroup {
    /** What the backup subcommands share: only a site whose database oth runs has backups. */
    abstract static class Step extends SiteStep {
        @Override
        void prepare(Site site) {
            Backups.storageNode(site);
        }

        Backups backups(Context context) {
            return new Backups(context.site(), context.connector(), context.claim());
        }
    }

    @Command(name = "now", mixinStandardHelpOptions = true, description = "Make a backup now; prints its id.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  Back up the application database now; prints the backup's id:",
                "    oth backup now"})
    static final class Now extends Step {
        /** It changes the database: under the site's lock, here and on the storage node. */
        @Mixin
        LockOptions locking;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Override
        int run(Context context) throws RemoteException {
            context.out().println(backups(context).now());
            return ExitCode.OK.code();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups kept on the storage node.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  The backups on the storage node, with when they were made and their size:",
                "    oth backup list"})
    static final class ListBackups extends Step {
        @Mixin
        JsonOutput json;

        @Override
        Optional<JsonOutput> json() {
            return Optional.of(json);
        }

        @Override
        int run(Context context) throws RemoteException {
            List<Backups.Backup> all = backups(context).list();
            Table table = new Table("ID", "MADE", "SIZE");
            all.forEach(b -> table.row(b.id(), b.made().toString(), b.bytes() + " B"));
            context.result(BackupsJson.of(all), () -> {
                table.print(context.out());
                context.out().printf("%d backup(s)%n", all.size());
            });
            return ExitCode.OK.code();
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore the application database from a backup.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  Find the backup, then restore it:",
                "    oth backup list",
                "    oth backup restore oth-20261203T120000Z"})
    static final class Restore extends Step {
        /** It changes the database: under the site's lock, here and on the storage node. */
        @Mixin
        LockOptions locking;

        @Parameters(paramLabel = "ID", description = "A backup id from oth backup list.")
        String id;

        @Override
        Optional<LockOptions> locking() {
            return Optional.of(locking);
        }

        @Override
        void prepare(Site site) {
            super.prepare(site);
            Backups.checkId(id);
        }

        @Override
        int run(Context context) throws RemoteException {
            backups(context).restore(id);
            context.out().println("restored " + id);
            return ExitCode.OK.code();
        }
    }
}
