package io.oth.site;

import io.oth.input.InputFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

    /** Whether the playbooks come from {@code OTH_PLAYBOOKS}: then a problem in them is the user's input, not a bug. */
    public static boolean overridden() {
        String dir = System.getenv(OVERRIDE);
        return dir != null && !dir.isBlank();
    }

    /**
     * Playbooks from {@code OTH_PLAYBOOKS} that oth cannot use: bad input (exit 2, every problem
     * named), where broken built-in playbooks would be a bug.
     */
    public static final class Broken extends RuntimeException {
        public Broken(String problems) {
            super(problems);
        }
    }

    /** {@code problem} as the exception it is: {@link Broken} for the user's playbooks, else a bug. */
    public static RuntimeException problem(String problem, Throwable cause) {
        RuntimeException e = overridden() ? new Broken(problem) : new IllegalStateException(problem, cause);
        if (cause != null && e instanceof Broken) {
            e.initCause(cause);
        }
        return e;
    }

    public static String read(String name) {
        String dir = System.getenv(OVERRIDE);
        try {
            if (dir != null && !dir.isBlank()) {
                return InputFiles.readText(Path.of(dir, name), InputFiles.YAML_LIMIT, "a playbook");
            }
            try (InputStream in = PlaybookFiles.class.getClassLoader().getResourceAsStream("playbooks/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("playbooks/" + name + " is not in the oth jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw problem(e instanceof InputFiles.Refused ? e.getMessage() : "cannot read " + label(name) + ": " + e.getMessage(), e);
        }
    }
}
