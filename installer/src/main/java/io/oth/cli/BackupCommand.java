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

/** {@code oth backup now|list|pull|restore ID}: the application database's backups, encrypted, on the storage node, in the bucket and here. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = {
        "Back up, list, pull and restore the application database (storage node).",
        "Backups are encrypted with age to the site's backup key before they touch the storage node's disk; the key's identity stays in "
                + "this machine's secrets file. Each is kept (playbooks/install.yml: retention_days) on the storage node, in the object store's "
                + "bucket under backups/, and here after oth backup pull."},
        subcommands = {BackupCommand.Now.class, BackupCommand.ListBackups.class, BackupCommand.Pull.class, BackupCommand.Restore.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  Back up the application database now:",
            "    oth backup now",
            "  List the backups, then restore one:",
            "    oth backup list && oth backup restore oth-20261203T120000Z",
            "  Copy the encrypted backups to this machine:",
            "    oth backup pull"})
final class BackupCommand extends CommandGroup implements ConnectsToNodes {
    /** What the backup subcommands share: only a site whose database oth runs has backups. */
    abstract static class Step extends SiteStep {
        @Override
        void prepare(Site site) {
            Backups.storageNode(site);
        }

        Backups backups(Context context) {
            return new Backups(context.site(), context.connector(), context.claim());
        }

        /** A failure on this side (the backup key missing, the copies' directory unwritable): said, exit 1. */
        static int failedHere(Context context, RuntimeException e) {
            context.err().println("oth: " + e.getMessage());
            return ExitCode.FAILED.code();
        }
    }

    @Command(name = "now", mixinStandardHelpOptions = true, description = "Make a backup now (encrypted, copied to the bucket); prints its id.",
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

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the backups and where each is: node (the storage node), bucket (the object store, backups/), operator (here).",
            footerHeading = "%nExamples:%n",
            footer = {
                "  The backups, with when they were made, their size and where they are:",
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
            Backups kept = backups(context);
            List<Backups.Backup> all = kept.list();
            kept.warnings().forEach(w -> context.err().println("warning: " + w));
            Table table = new Table("ID", "MADE", "SIZE", "ENCRYPTED", "WHERE");
            all.forEach(b -> table.row(b.id(), b.made().toString(), b.bytes() + " B", b.encrypted() ? "yes" : "no (made before encryption)",
                    b.places().stream().map(Enum::name).collect(java.util.stream.Collectors.joining(","))));
            context.result(BackupsJson.of(all), () -> {
                table.print(context.out());
                context.out().printf("%d backup(s)%n", all.size());
            });
            return ExitCode.OK.code();
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Copy the encrypted backups of the storage node and the bucket to this machine (the site's state directory, "
                    + "backups/, files 0600), each checked by size and sha-256; delete the copies here older than the retention. "
                    + "Copies only what is missing or differs: a second run copies nothing."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  Copy the backups here (from cron on the operator's machine, for instance):",
                "    oth backup pull"})
    static final class Pull extends Step {
        @Override
        int run(Context context) throws RemoteException {
            Backups backups = backups(context);
            List<Backups.Pulled> done;
            try {
                done = backups.pull();
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                return failedHere(context, e);
            }
            backups.warnings().forEach(w -> context.err().println("warning: " + w));
            done.forEach(p -> context.out().println(p.id() + ": " + p.outcome()));
            context.out().printf("pull: %d copied, %d already here, %d deleted here%n",
                    done.stream().filter(p -> p.outcome().startsWith("copied")).count(),
                    done.stream().filter(p -> p.outcome().startsWith("already")).count(),
                    done.stream().filter(p -> p.outcome().startsWith("deleted")).count());
            return ExitCode.OK.code();
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Restore the application database from a backup: the storage node's copy, else this machine's, else the bucket's. "
                    + "The backup is decrypted on the storage node with the site's backup key, which is given on the restore's standard input "
                    + "and written nowhere there; it is decrypted and decompressed whole as a check before the database is touched."},
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
            String from;
            try {
                from = backups(context).restore(id);
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                return failedHere(context, e);
            }
            context.out().println("restored " + id + " from " + from);
            return ExitCode.OK.code();
        }
    }
}
