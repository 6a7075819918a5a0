package io.oth.report;

import io.oth.secret.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A report the operator asked for by name ({@code --html FILE}). It is written to a temporary file
 * beside it and renamed over it ({@link PrivateFiles#write}), so that a reader (or a mail client)
 * sees the old report or the new one, never half of one. It is 0600: a report names the site's
 * addresses, and its owner can still open and send it. Unlike the state files, its directory must exist.
 */
public final class ReportFile {
    private ReportFile() {
    }

    /** Writes {@code text} to {@code file}; the exception's message names the file and why it failed. */
    public static void write(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new IOException(file + ": cannot write: it is a directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(file + ": cannot write: no such directory " + dir);
        }
        PrivateFiles.write(file, text);
    }
}
