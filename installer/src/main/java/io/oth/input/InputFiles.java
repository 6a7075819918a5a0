package io.oth.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files a user hands oth (site, answers, secrets, playbooks, key lists) as untrusted
 * input: only a regular file (a FIFO would block the open for ever, {@code /dev/zero} never ends),
 * only up to a size limit, and only as much as that limit even if the file grows while it is read.
 */
public final class InputFiles {
    /** Enough for any site, answers, secrets or playbook file by a wide margin; small enough to parse at once. */
    public static final int YAML_LIMIT = 1 << 20;

    // st_mode's file type bits, as stat(2) has them.
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private InputFiles() {
    }

    /** Why a file was not read; {@link #reason()} is worded to follow the file's name. */
    public static final class Refused extends IOException {
        private final String reason;

        Refused(Path file, String reason) {
            super(file + " " + reason);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** The UTF-8 text of {@code file}, which must be a regular file of at most {@code limit} bytes; {@code what} names what it should be. */
    public static String readText(Path file, int limit, String what) throws Refused {
        byte[] bytes = read(file, limit, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(file, "is not UTF-8 text (expected " + what + ")");
        }
    }

    /** The bytes of {@code file}, on the same terms as {@link #readText}. */
    public static byte[] read(Path file, int limit, String what) throws Refused {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new Refused(file, "is a directory (expected " + what + ")");
            }
            if (!attributes.isRegularFile()) {
                throw new Refused(file, "is " + kind(file) + ", not a regular file (expected " + what + ")");
            }
            if (attributes.size() > limit) {
                throw new Refused(file, "is " + attributes.size() + " bytes" + limitText(limit, what));
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    throw new Refused(file, "is larger than " + limit + " bytes" + limitText(limit, what));
                }
                return bytes;
            }
        } catch (Refused e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new Refused(file, "does not exist (expected " + what + ")");
        } catch (AccessDeniedException e) {
            throw new Refused(file, "cannot be read: permission denied");
        } catch (IOException e) {
            throw new Refused(file, "cannot be read: " + e.getMessage());
        }
    }

    private static String limitText(int limit, String what) {
        String size = limit % (1 << 20) == 0 ? (limit >> 20) + " MiB" : limit % (1 << 10) == 0 ? (limit >> 10) + " KiB" : limit + " bytes";
        return " (expected " + what + " of at most " + size + ")";
    }

    /** What a file that is neither regular nor a directory is, where the platform tells (Linux does). */
    private static String kind(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            return switch (mode & S_IFMT) {
                case S_IFIFO -> "a FIFO";
                case S_IFCHR -> "a character device";
                case S_IFBLK -> "a block device";
                case S_IFSOCK -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }
}
