package io.oth.wizard;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.oth.input.InputFiles;
import io.oth.site.SiteException;
import io.oth.site.SiteLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Writes the site file in two steps: {@link #prepare} puts the text in a temporary file next to the
 * target and loads it as oth will (so relative paths resolve the same); {@link #commit} renames it
 * into place. Until then the old file, if any, is untouched; {@link #discard} removes the temporary one.
 */
final class SiteFileWriter {
    /** A checked site file waiting to replace {@code target}; {@code diff} is empty for a new file. */
    record Prepared(Path target, Path temp, boolean exists, boolean unchanged, String diff) {
    }

    private SiteFileWriter() {
    }

    static Prepared prepare(Path target, String text) throws IOException, SiteException {
        Path absolute = target.toAbsolutePath().normalize();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            SiteLoader.load(temp);
            boolean exists = Files.exists(absolute);
            String old = exists ? InputFiles.readText(absolute, InputFiles.YAML_LIMIT, "a site file") : "";
            return new Prepared(absolute, temp, exists, exists && old.equals(text), exists ? diff(absolute, old, text) : "");
        } catch (IOException | SiteException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    static void commit(Prepared prepared) throws IOException {
        Files.setPosixFilePermissions(prepared.temp(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(prepared.temp(), prepared.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void discard(Optional<Prepared> prepared) throws IOException {
        if (prepared.isPresent()) {
            Files.deleteIfExists(prepared.get().temp());
        }
    }

    private static String diff(Path file, String old, String text) {
        List<String> before = old.lines().toList();
        List<String> after = text.lines().toList();
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("a" + file, "b" + file, before, DiffUtils.diff(before, after), 2));
    }
}
