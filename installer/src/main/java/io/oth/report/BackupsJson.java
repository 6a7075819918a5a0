package io.oth.report;

import io.oth.backup.Backups;

import java.util.List;

/** {@code oth backup list --json}: the data of schema {@code oth-backup-list/1} (docs/schemas/backup-list.schema.json). */
public final class BackupsJson {
    private BackupsJson() {
    }

    /** The backups kept on the storage node, in the order of their ids. */
    public record Kept(List<Backup> backups, int count) {
    }

    /** {@code made}: ISO time; {@code bytes}: the dump's size. */
    public record Backup(String id, String made, long bytes) {
    }

    public static Kept of(List<Backups.Backup> all) {
        return new Kept(all.stream().map(b -> new Backup(b.id(), b.made().toString(), b.bytes())).toList(), all.size());
    }
}
