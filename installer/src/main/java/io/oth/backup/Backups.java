package io.oth.backup;

import io.oth.fleet.FleetConnector;
import io.oth.install.BackupStore;
import io.oth.install.NodeLayout;
import io.oth.install.InstallPlaybook;
import io.oth.lock.LockClaim;
import io.oth.lock.NodeLocks;
import io.oth.progress.Progress;
import io.oth.op.MariaDbRead;
import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Host;
import io.oth.remote.HostConnection;
import io.oth.remote.NodeText;
import io.oth.remote.RemoteException;
import io.oth.remote.Sha256;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.secret.SecretsException;
import io.oth.site.AppAccounts;
import io.oth.site.Role;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.StateDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application database's backups: made on the storage node daily by cron (installed by
 * {@code oth install}) or on demand, each encrypted with age to the site's backup key before it
 * touches the disk, kept there and in the object store's bucket under {@code backups/}; pulled to
 * the operator's side; listed; restored with the key's identity, which exists only in the
 * operator's secrets and reaches the storage node on a command's stdin for one restore.
 */
public final class Backups {
    /** What an encrypted backup's name ends with, after its id. */
    public static final String SUFFIX = BackupStore.SUFFIX;
    /** A backup made before backups were encrypted: still listed and restored until it expires. */
    static final String PLAIN_SUFFIX = ".sql.gz";
    private static final Pattern ID = Pattern.compile("oth-\\d{8}T\\d{6}Z");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("'oth-'yyyyMMdd'T'HHmmss'Z'");
    /** A line of the storage node's listing: where, file name, size; anything else the node prints is not a backup. */
    private static final Pattern LISTED = Pattern.compile("(node|bucket) (oth-\\d{8}T\\d{6}Z)(\\.sql\\.gz(?:\\.age)?) (\\d{1,18})");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final Site site;
    private final FleetConnector connector;
    private final Optional<LockClaim> claim;
    private final InstallPlaybook.Backups settings = InstallPlaybook.load().backups();
    private final OperatorCopies copies;
    private final List<String> warnings = new ArrayList<>();

    /** @param claim the run holding the site's lock, which {@link #now()} and {@link #restore} also take on the storage node */
    public Backups(Site site, FleetConnector connector, Optional<LockClaim> claim) {
        this.site = site;
        this.connector = connector;
        this.claim = claim;
        this.copies = new OperatorCopies(StateDir.of(site.name()).resolve("backups"));
    }

    /** Where a copy of a backup is. */
    public enum Place { node, bucket, operator }

    /**
     * One backup: its id, when it was made (from its id), its size, whether it is encrypted (a
     * backup made before backups were is not) and where copies of it are.
     */
    public record Backup(String id, Instant made, long bytes, boolean encrypted, Set<Place> places) {
    }

    /** What went wrong without stopping the command (the bucket did not answer): for the operator to read. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Makes a backup now; returns its id. */
    public String now() throws RemoteException {
        try (HostConnection storage = storage(); NodeLocks locks = lock(storage);
             Progress.Activity backingUp = connector.progress().start(storage.host().name(), "backup")) {
            backingUp.step("dumping, compressing, encrypting the application database and copying it to the bucket");
            return now(storage.host());
        }
    }

    /** Makes a backup now on the storage node, through a connection the caller already holds; returns its id. */
    public static String now(Host storage) throws RemoteException {
        String id = check(storage, storage.run(Command.of(NodeLayout.BACKUP_SCRIPT), TIMEOUT), "making the backup").stdout().strip();
        if (!isId(id)) {
            throw new RemoteException(storage.name(), Failure.FACT_REFUSED, "the backup script printed " + NodeText.shown(id) + ", not a backup id");
        }
        return id;
    }

    /** Every backup, wherever it is: on the storage node, in the bucket, on the operator's side. */
    public List<Backup> list() throws RemoteException {
        try (HostConnection storage = storage()) {
            return merged(listed(storage.host()), operatorCopies());
        }
    }

    /** What one backup's pull did. */
    public record Pulled(String id, String outcome) {
    }

    /**
     * Copies to the operator's side every encrypted backup of the storage node or the bucket that it
     * lacks (or holds with another size or content), each checked against the sha-256 the node
     * computes; then deletes the operator's copies past the retention. Answers what it did, by backup.
     */
    public List<Pulled> pull() throws RemoteException {
        List<Pulled> done = new ArrayList<>();
        try (HostConnection storage = storage(); Progress.Activity pulling = connector.progress().start(storage.host().name(), "pull")) {
            Host host = storage.host();
            SortedMap<String, Long> held = operatorCopies();
            for (Backup b : merged(listed(host), new TreeMap<>())) {
                if (!b.encrypted()) {
                    continue;
                }
                boolean onNode = b.places().contains(Place.node);
                Optional<String> mine = Optional.ofNullable(held.get(b.id())).filter(size -> size == b.bytes()).isPresent()
                        ? sha256Here(b.id()) : Optional.empty();
                pulling.step("copying " + b.id());
                String path = onNode ? file(b.id(), SUFFIX) : fetched(host, b.id());
                try {
                    String theirs = sha256There(host, path);
                    if (mine.isPresent() && mine.get().equals(theirs)) {
                        done.add(new Pulled(b.id(), "already here"));
                        continue;
                    }
                    byte[] bytes = host.read(path).orElseThrow(() -> new RemoteException(host.name(), Failure.COMMAND_FAILED, path + " went away"));
                    if (!Sha256.hex(bytes).equals(theirs)) {
                        throw new RemoteException(host.name(), Failure.COMMAND_FAILED, "the copy of " + b.id() + " does not have the sha-256 the node computed");
                    }
                    copies.write(b.id(), bytes);
                    done.add(new Pulled(b.id(), "copied from the " + (onNode ? "storage node" : "bucket") + " (" + bytes.length + " bytes, sha256 " + theirs + ")"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot keep " + b.id() + " in " + copies.dir() + ": " + e.getMessage(), e);
                } finally {
                    if (!onNode) {
                        host.run(Command.of("rm", "-f", path), Duration.ofSeconds(30));
                    }
                }
            }
        }
        try {
            copies.expire(Instant.now(), settings.retentionDays()).forEach(id -> done.add(new Pulled(id, "deleted here (older than "
                    + settings.retentionDays() + " days)")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot expire the copies in " + copies.dir() + ": " + e.getMessage(), e);
        }
        return done;
    }

    /**
     * Restores the application database from backup {@code id} (tables are replaced as they were
     * then): from the storage node's copy, else the operator's (uploaded, still encrypted), else the
     * bucket's. The backup is decrypted and checked whole before the database is touched; the
     * identity is given on the command's stdin, held in the shell's memory for the restore, and
     * written nowhere.
     *
     * @return where the backup came from
     */
    public String restore(String id) throws RemoteException {
        checkId(id);
        try (HostConnection storage = storage(); NodeLocks locks = lock(storage);
             Progress.Activity restoring = connector.progress().start(storage.host().name(), "restore")) {
            Host host = storage.host();
            List<Backup> all = merged(listed(host), operatorCopies());
            Backup backup = all.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new RemoteException(host.name(),
                    Failure.COMMAND_FAILED, "no backup " + id + " on the storage node, in the bucket or here (see oth backup list)"));
            String path;
            boolean temporary = false;
            String from;
            if (!backup.encrypted()) {
                path = file(id, PLAIN_SUFFIX);
                from = "the storage node (made before backups were encrypted)";
            } else if (backup.places().contains(Place.node)) {
                path = file(id, SUFFIX);
                from = "the storage node";
            } else if (backup.places().contains(Place.operator)) {
                path = settings.dir() + "/.restore-" + id + SUFFIX;
                temporary = true;
                from = "the operator's copy";
                restoring.step("uploading the operator's copy of " + id + " (encrypted)");
                try {
                    host.upload(copies.read(id).orElseThrow(), path, "root:root", "0600");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + id + " in " + copies.dir() + ": " + e.getMessage(), e);
                }
            } else {
                restoring.step("fetching " + id + " from the bucket");
                path = fetched(host, id);
                temporary = true;
                from = "the bucket";
            }
            restoring.step("restoring the application database from " + id + " (" + from + ")");
            try {
                if (backup.encrypted()) {
                    check(host, host.run(Command.shell(restoreEncrypted(path)), Secret.of(identity().reveal().strip() + "\n"), TIMEOUT),
                            "restoring " + id);
                } else {
                    check(host, host.run(Command.shell(restorePlain(path)), TIMEOUT), "restoring " + id);
                }
            } finally {
                if (temporary) {
                    host.run(Command.of("rm", "-f", path), Duration.ofSeconds(30));
                }
            }
            return from;
        }
    }

    /**
     * The restore of an encrypted backup, for {@code sh -c}: the identity read from stdin into a
     * shell variable (printf is a builtin: no process shows it), the whole backup decrypted and
     * decompressed once as a check, then again into {@code mariadb}. dash has no pipefail: each
     * stage that fails leaves a mark.
     */
    static String restoreEncrypted(String path) {
        String file = Command.quote(path);
        return "set -u; [ -f " + file + " ] || { echo 'no backup file " + path + "' >&2; exit 1; }\n"
                + "key=$(cat); failed=$(mktemp -d) || exit 1; trap 'rm -rf \"$failed\"' EXIT\n"
                + "{ printf '%s\\n' \"$key\" | age -d -i - " + file + " || : > \"$failed/age\"; } | { gzip -t || : > \"$failed/gzip\"; }\n"
                + "for s in \"$failed\"/*; do [ -e \"$s\" ] && { echo \"the backup does not decrypt and decompress whole (${s##*/} failed): the database was not touched\" >&2; exit 1; }; done\n"
                + "{ printf '%s\\n' \"$key\" | age -d -i - " + file + " || : > \"$failed/age\"; } | { gunzip || : > \"$failed/gunzip\"; } | { mariadb --batch || : > \"$failed/mariadb\"; }\n"
                + "for s in \"$failed\"/*; do [ -e \"$s\" ] && { echo \"${s##*/} failed during the restore\" >&2; exit 1; }; done; true";
    }

    /** The restore of a backup made before backups were encrypted. */
    static String restorePlain(String path) {
        String file = Command.quote(path);
        return "set -u; [ -f " + file + " ] || { echo 'no backup file " + path + "' >&2; exit 1; }\n"
                + "gzip -t " + file + " || { echo 'the backup does not decompress whole: the database was not touched' >&2; exit 1; }\n"
                + "failed=$(mktemp -d) || exit 1; trap 'rm -rf \"$failed\"' EXIT\n"
                + "{ gunzip -c " + file + " || : > \"$failed/gunzip\"; } | { mariadb --batch || : > \"$failed/mariadb\"; }\n"
                + "for s in \"$failed\"/*; do [ -e \"$s\" ] && { echo \"${s##*/} failed during the restore\" >&2; exit 1; }; done; true";
    }

    /** The site's backup key, from the operator's secrets; its absence is said, never its value. */
    private Secret identity() {
        try {
            return Secrets.open(StateDir.of(site.name()).resolve("secrets.yml")).get(AppAccounts.BACKUP_IDENTITY)
                    .orElseThrow(() -> new IllegalStateException("the site's secrets hold no " + AppAccounts.BACKUP_IDENTITY
                            + ": the backup cannot be decrypted here (oth install makes the key; restore the secrets file from your own backup)"));
        } catch (SecretsException e) {
            throw new IllegalStateException("site secrets: " + e.getMessage(), e);
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

    /** Whether {@code id} is a backup's id: {@code oth-} and a real UTC time to the second. */
    public static boolean isId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return false;
        }
        try {
            LocalDateTime.parse(id, ID_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Refuses what cannot be a backup's id before any node is asked for it (an id is never a path). */
    public static void checkId(String id) {
        if (!isId(id)) {
            String shown = id == null ? "" : NodeText.shown(id.length() > 40 ? id.substring(0, 40) + "…" : id);
            throw new IllegalArgumentException(shown + " is not a backup id (expected oth-YYYYMMDDTHHMMSSZ; see oth backup list)");
        }
    }

    /** When the backup of {@code id} was made. */
    public static Instant madeAt(String id) {
        checkId(id);
        return LocalDateTime.parse(id, ID_TIME).toInstant(ZoneOffset.UTC);
    }

    /** One backup's name and size of each line {@code node|bucket NAME SIZE}; other lines are ignored. */
    static List<Listed> parse(String listing) {
        List<Listed> found = new ArrayList<>();
        listing.lines().map(LISTED::matcher).filter(Matcher::matches).filter(m -> isId(m.group(2)))
                .forEach(m -> found.add(new Listed(Place.valueOf(m.group(1)), m.group(2), m.group(3).equals(SUFFIX), Long.parseLong(m.group(4)))));
        return found;
    }

    /** A backup file the storage node listed. */
    record Listed(Place place, String id, boolean encrypted, long bytes) {
    }

    /** The listings merged by id, sorted: the size of the node's copy first, else the bucket's, else the operator's. */
    static List<Backup> merged(List<Listed> listed, SortedMap<String, Long> operator) {
        Map<String, Backup> byId = new TreeMap<>();
        for (Listed l : listed) {
            Backup known = byId.get(l.id());
            // An encrypted backup and a plain one of the same id cannot both exist: the encrypted one wins.
            if (known != null && known.encrypted() && !l.encrypted()) {
                continue;
            }
            Set<Place> places = known == null || known.encrypted() != l.encrypted() ? EnumSet.noneOf(Place.class) : EnumSet.copyOf(known.places());
            places.add(l.place());
            long bytes = known != null && known.encrypted() == l.encrypted() && known.places().contains(Place.node) ? known.bytes() : l.bytes();
            byId.put(l.id(), new Backup(l.id(), madeAt(l.id()), bytes, l.encrypted(), places));
        }
        operator.forEach((id, bytes) -> {
            Backup known = byId.get(id);
            Set<Place> places = known == null ? EnumSet.noneOf(Place.class) : EnumSet.copyOf(known.places());
            places.add(Place.operator);
            byId.put(id, new Backup(id, madeAt(id), known == null ? bytes : known.bytes(), true, places));
        });
        return List.copyOf(byId.values());
    }

    /** The backups on the storage node and in the bucket, as the node lists them. */
    private List<Listed> listed(Host storage) throws RemoteException {
        String dir = Command.quote(settings.dir());
        String onNode = check(storage, storage.run(Command.shell("cd " + dir + " 2>/dev/null || exit 0;"
                + " for f in oth-*" + SUFFIX + " oth-*" + PLAIN_SUFFIX + "; do [ -f \"$f\" ] && stat -c 'node %n %s' \"$f\"; done; true"), Duration.ofMinutes(1)),
                "listing backups").stdout();
        // A script installed by an older oth takes no arguments and would make a backup: ask only one that lists.
        String script = Command.quote(NodeLayout.BACKUP_SCRIPT);
        CommandResult bucket = storage.run(Command.shell("grep -q '^#   oth-backup bucket ' " + script
                + " || { echo 'the backup script predates the bucket copy: run oth install' >&2; exit 3; }; exec " + script + " bucket"), Duration.ofMinutes(2));
        if (!bucket.ok()) {
            warnings.add(storage.name() + ": the bucket's backups could not be listed: " + bucket.diagnostic());
        }
        List<Listed> all = new ArrayList<>(parse(onNode));
        if (bucket.ok()) {
            all.addAll(parse(bucket.stdout().lines().map(l -> "bucket " + l).reduce("", (a, b) -> a + b + "\n")));
        }
        return all;
    }

    /** Fetches {@code id} from the bucket to a temporary file on the storage node (still encrypted); answers its path. */
    private static String fetched(Host storage, String id) throws RemoteException {
        String path = check(storage, storage.run(Command.of(NodeLayout.BACKUP_SCRIPT, "fetch", id), TIMEOUT), "fetching " + id + " from the bucket")
                .stdout().strip();
        if (!path.matches("/[A-Za-z0-9/._-]{1,200}/\\.fetched-" + Pattern.quote(id + SUFFIX))) {
            throw new RemoteException(storage.name(), Failure.FACT_REFUSED, "the backup script printed " + NodeText.shown(path) + ", not where it fetched " + id);
        }
        return path;
    }

    private static String sha256There(Host storage, String path) throws RemoteException {
        String out = check(storage, storage.run(Command.of("sha256sum", path), TIMEOUT), "hashing " + path).stdout();
        Matcher m = Pattern.compile("([0-9a-f]{64}) .*").matcher(out.strip());
        if (!m.matches()) {
            throw new RemoteException(storage.name(), Failure.FACT_REFUSED, "sha256sum printed " + NodeText.shown(out.strip()));
        }
        return m.group(1);
    }

    private Optional<String> sha256Here(String id) {
        try {
            return copies.sha256(id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + id + " in " + copies.dir() + ": " + e.getMessage(), e);
        }
    }

    private SortedMap<String, Long> operatorCopies() {
        try {
            return copies.held();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + copies.dir() + ": " + e.getMessage(), e);
        }
    }

    private String file(String id, String suffix) {
        checkId(id);
        return settings.dir() + "/" + id + suffix;
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
            String refused = MariaDbRead.rootRefused(r.stdout() + r.stderr()) ? "; " + MariaDbRead.ROOT_REFUSED + "; " + MariaDbRead.ROOT_REFUSED_HINT : "";
            throw new RemoteException(storage.name(), Failure.COMMAND_FAILED, what + ": " + r.diagnostic() + refused);
        }
        return r;
    }
}
