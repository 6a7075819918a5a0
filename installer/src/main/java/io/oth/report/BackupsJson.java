package io.oth.report;

import io.oth.backup.Backups;

import java.util.List;

/** {@code oth backup list --json}: the data of schema {@code oth-backup-list/1} (docs/schemas/backup-list.schema.json). */
public final class BackupsJson {
    private BackupsJson() {
    }

    /** The backups, wherever they are, in the order of their ids. */
    public record Kept(List<Backup> backups, int count) {
    }

    /**
     * {@code made}: ISO time; {@code bytes}: the backup file's size; {@code encrypted}: false for one
     * made before backups were; {@code where}: {@code node}, {@code bucket}, {@code operator}.
     */
    public record Backup(String id, String made, long bytes, boolean encrypted, List<String> where) {
    }

    public static Kept of(List<Backups.Backup> all) {
        return new Kept(all.stream().map(b -> new Backup(b.id(), b.made().toString(), b.bytes(), b.encrypted(),
                b.places().stream().map(Enum::name).toList())).toList(), all.size());
    }
}
