package io.oth.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A report the operator asked for by name ({@code --html FILE}). It is written to a temporary file
 * beside it and renamed over it, so that a reader (or a mail client) sees the old report or the new
 * one, never half of one. The temporary file is created 0600 and the rename keeps that: a report
 * names the site's addresses, and its owner can still open and send it.
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
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw explain(file, e);
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw explain(file, e);
        }
    }

    /** The JDK names only the path in these exceptions; say what failed and why. */
    private static IOException explain(Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage();
        return new IOException(file + ": cannot write: " + why, e);
    }
}
