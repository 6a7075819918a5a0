package io.oth.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the playbooks come from: the ones built into oth, or, when {@code OTH_PLAYBOOKS} names a
 * directory, the files there (for a support engineer trying a changed port table).
 */
public final class PlaybookFiles {
    public static final String OVERRIDE = "OTH_PLAYBOOKS";

    private PlaybookFiles() {
    }

    /** The file's name as messages show it. */
    public static Path label(String name) {
        String dir = System.getenv(OVERRIDE);
        return dir == null || dir.isBlank() ? Path.of("playbooks", name) : Path.of(dir, name);
    }

    public static String read(String name) {
        String dir = System.getenv(OVERRIDE);
        try {
            if (dir != null && !dir.isBlank()) {
                return Files.readString(Path.of(dir, name), StandardCharsets.UTF_8);
            }
            try (InputStream in = PlaybookFiles.class.getClassLoader().getResourceAsStream("playbooks/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("playbooks/" + name + " is not in the oth jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + label(name) + ": " + e.getMessage(), e);
        }
    }
}
