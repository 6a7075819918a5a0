package io.oth.runlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The run logs a test's runs left in a state directory's logs. */
public final class RunLogFiles {
    private RunLogFiles() {
    }

    /** The newest run log of {@code command} (install, doctor...) in {@code logs}: their names start with the run's time. */
    public static Path newest(Path logs, String command) {
        return newestIfAny(logs, command).orElseThrow();
    }

    /** {@link #newest}, or empty when there is none yet (nor a logs directory). */
    public static Optional<Path> newestIfAny(Path logs, String command) {
        if (!Files.isDirectory(logs)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + command + ".log")).max(Comparator.naturalOrder());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
