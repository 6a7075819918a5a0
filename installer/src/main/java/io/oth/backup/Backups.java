package io.oth.backup;

import io.oth.fleet.FleetConnector;
import io.oth.install.NodeLayout;
import io.oth.install.InstallPlaybook;
import io.oth.lock.LockClaim;
import io.oth.lock.NodeLocks;
import io.oth.progress.Progress;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.site.Role;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application database's backups on the storage node: made daily by cron (installed by
 * {@code oth install}), on demand, listed, and restored.
 */
public final class Backups {
    private static final Pattern ID = Pattern.compile("oth-\\d{8}T\\d{6}Z");
    /** A line of {@link #list}'s listing: file, size, mtime; anything else the node prints is not a backup. */
    private static final Pattern LISTED = Pattern.compile("(oth-\\d{8}T\\d{6}Z)\\.sql\\.gz (\\d{1,18}) (\\d{1,12})");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final Site site;
    private final FleetConnector connector;
    private final Optional<LockClaim> claim;
    private final String dir = InstallPlaybook.load().backups().dir();

    /** @param claim the run holding the site's lock, which {@link #now()} and {@link #restore} also take on the storage node */
    public Backups(Site site, FleetConnector connector, Optional<LockClaim> claim) {
        this.site = site;
        this.connector = connector;
        this.claim = claim;
    }

    /** One backup: its id, size and when it was made. */
    public record Backup(String id, long bytes, Instant made) {
    }

    /** Makes a backup now; returns its id. */
    public String now() throws RemoteException {
        try (HostConnection storage = storage(); NodeLocks locks = lock(storage);
             Progress.Activity backingUp = connector.progress().start(storage.host().name(), "backup")) {
            backingUp.step("dumping and compressing the application database");
            return now(storage.host());
        }
    }

    /** Makes a backup now on the storage node, through a connection the caller already holds; returns its id. */
    public static String now(Host storage) throws RemoteException {
        String id = check(storage, storage.run(Command.of(NodeLayout.BACKUP_SCRIPT), TIMEOUT), "making the backup").stdout().strip();
        if (!ID.matcher(id).matches()) {
            throw new RemoteException(storage.name(), Failure.FACT_REFUSED, "the backup script printed " + NodeText.shown(id) + ", not a backup id");
        }
        return id;
    }

    public List<Backup> list() throws RemoteException {
        try (HostConnection storage = storage()) {
            String out = check(storage.host(), storage.run(Command.shell("cd " + Command.quote(dir) + " 2>/dev/null || exit 0;"
                    + " for f in oth-*.sql.gz; do [ -e \"$f\" ] && stat -c '%n %s %Y' \"$f\"; done; true")), "listing backups").stdout();
            return out.lines().map(LISTED::matcher).filter(Matcher::matches)
                    .map(m -> new Backup(m.group(1), Long.parseLong(m.group(2)), Instant.ofEpochSecond(Long.parseLong(m.group(3)))))
                    .sorted((a, b) -> a.id().compareTo(b.id())).toList();
        }
    }

    /** Restores the application database from backup {@code id} (tables are replaced as they were then). */
    public void restore(String id) throws RemoteException {
        checkId(id);
        String file = dir + "/" + id + ".sql.gz";
        try (HostConnection storage = storage(); NodeLocks locks = lock(storage);
             Progress.Activity restoring = connector.progress().start(storage.host().name(), "restore")) {
            restoring.step("restoring the application database from " + id);
            check(storage.host(), storage.run(Command.shell("[ -f " + Command.quote(file) + " ] || { echo 'no backup " + id + " in " + dir + "' >&2; exit 1; };"
                    + " gunzip -c " + Command.quote(file) + " | mariadb --batch")), "restoring " + id);
        }
    }

    /** Refuses a site whose database oth does not run: there is nothing of it on the storage node to back up. */
    public static Node storageNode(Site site) {
        Node node = site.nodesWithRole(Role.STORAGE).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(site.file() + ": no storage node: backups are of the local database"));
        if (!site.storage().database().isLocal()) {
            throw new IllegalArgumentException(site.file() + ": storage.database is external: back it up where it runs");
        }
        return node;
    }

    /** Refuses what cannot be a backup's id before any node is asked for it. */
    public static void checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("\"" + id + "\" is not a backup id (expected oth-YYYYMMDDTHHMMSSZ; see oth backup list)");
        }
    }

    private HostConnection storage() throws RemoteException {
        Node node = storageNode(site);
        try (Progress.Activity connecting = connector.progress().doing(FleetConnector.connecting(site, List.of(node)))) {
            return connector.connectOne(site, node);
        }
    }

    private NodeLocks lock(HostConnection storage) throws RemoteException {
        if (claim.isEmpty()) {
            return NodeLocks.none();
        }
        try (Progress.Activity locking = connector.progress().doing("taking the site's lock on " + storage.host().name())) {
            return NodeLocks.take(List.of(storage.host()), claim.get(), 1, line -> { }, locking);
        }
    }

    /** {@code r}, or a failure of {@code storage} (by the node's name, which the site file chooses) saying what failed. */
    private static CommandResult check(Host storage, CommandResult r, String what) throws RemoteException {
        if (!r.ok()) {
            throw new RemoteException(storage.name(), Failure.COMMAND_FAILED, what + ": " + r.diagnostic());
        }
        return r;
    }
}
