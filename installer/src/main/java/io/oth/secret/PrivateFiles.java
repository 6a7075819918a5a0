package io.oth.secret;

import io.oth.input.BoundedYaml;
import io.oth.input.InputFiles;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Files on the operator's machine that hold keys and passwords: only their owner may read them.
 * A file is written to a temporary name that is created 0600 before any byte goes in, then renamed
 * over the old one, so that a crash leaves the old content or the new, never half of it, and no
 * other user can open it in between. A file that group or others may access is refused, as ssh
 * refuses such a private key: its content must be considered seen.
 */
public final class PrivateFiles {
    /**
     * The YAML in {@code file}, read as {@link #read} does, every value a string as written (the
     * failsafe schema: 0123 stays "0123", not 123), duplicate keys refused. Errors name the file,
     * line and column but never quote the text: it may hold passwords.
     */
    static Object readYaml(Path file) throws IOException {
        String text = read(file);
        try {
            return BoundedYaml.load(text, BoundedYaml.settings(file.toString(), new FailsafeSchema()).setAllowDuplicateKeys(false).build());
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
            throw new IOException(file + where + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new IOException(file + ": not valid YAML");
        }
    }

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private PrivateFiles() {
    }

    /** Work done while holding a lock; it may read and write files. */
    public interface Locked<T> {
        T run() throws IOException;
    }

    /** Creates {@code dir} and its missing parents 0700; an existing directory is left as it is. */
    public static void createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " exists and is not a directory", e);
        } catch (UnsupportedOperationException e) {
            throw new IOException(dir + ": the file system has no POSIX permissions; keys and passwords need one", e);
        } catch (IOException e) {
            throw explain(dir, "create the directory", e);
        }
    }

    /** Appends {@code line} and a newline to {@code file}, made 0600 (in a 0700 directory) when it is new: an audit log. */
    public static void append(Path file, String line) throws IOException {
        createDirectory(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                ownerOnly())) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw explain(file, "append to", e);
        }
    }

    /** Replaces {@code file} with {@code text} atomically; the file is 0600 from its first byte. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createDirectory(dir);
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly());
        } catch (IOException e) {
            throw explain(file, "write", e);
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw explain(file, "write", e);
        }
    }

    /**
     * The content of {@code file}, refused when group or others have any access to it, or when it
     * is not a regular file of at most 1 MiB (secrets files and keys are a few KiB).
     */
    public static String read(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            throw new IOException(file + ": the file system has no POSIX permissions; keys and passwords need one", e);
        } catch (IOException e) {
            throw explain(file, "read", e);
        }
        if (permissions.stream().anyMatch(PrivateFiles::isGroupOrOther)) {
            throw new IOException(file + " has mode " + mode(permissions) + ": group or others may read it, so oth will not use it"
                    + " (expected 0600; if nobody else could have read it, run: chmod 600 " + file + ")");
        }
        return InputFiles.readText(file, InputFiles.YAML_LIMIT, "a file of keys or passwords");
    }

    /**
     * Runs {@code work} while holding {@code lockFile}: one thread of this process and one process of
     * this machine at a time, so that two runs cannot each create a different key or password.
     */
    public static <T> T underLock(Path lockFile, Locked<T> work) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock inProcess = IN_PROCESS_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        inProcess.lock();
        try {
            createDirectory(key.getParent());
            // The JVM allows one FileLock per file, so threads queue on the in-process lock first.
            try (FileChannel channel = FileChannel.open(key, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
                    var lock = channel.lock()) {
                return work.run();
            }
        } finally {
            inProcess.unlock();
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(EnumSet.copyOf(FILE_MODE));
    }

    /** A permission that lets someone other than the owner in. */
    public static boolean isGroupOrOther(PosixFilePermission permission) {
        return permission.ordinal() >= PosixFilePermission.GROUP_READ.ordinal();
    }

    /** Octal, as chmod and ls users know it: 0644. */
    public static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum runs OWNER_READ, OWNER_WRITE, ..., OTHERS_EXECUTE: bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }

    /** The JDK names only the path in these exceptions; say what failed and why. */
    private static IOException explain(Path file, String doing, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage();
        return new IOException(file + ": cannot " + doing + ": " + why, e);
    }
}
