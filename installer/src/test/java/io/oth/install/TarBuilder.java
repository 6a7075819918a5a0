package io.oth.install;

import io.oth.op.FileOp;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes .tar.gz bundles for tests, hostile ones included: any name, any entry type, any size
 * (large files are zeros streamed through the compressor, never held in memory), in 10 KiB
 * records as GNU tar writes them.
 */
public final class TarBuilder {
    private record Item(TarArchiveEntry entry, byte[] content, long zeros) {
    }

    /** A fixed time for every entry, so that the same bundle is the same bytes (and checksum) each time. */
    private static final FileTime MTIME = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    private final List<Item> items = new ArrayList<>();

    public TarBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public TarBuilder file(String name, byte[] content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        e.setMode(mode);
        items.add(new Item(e, content, 0));
        return this;
    }

    /** A file of {@code size} zero bytes: a gzip bomb when large. */
    public TarBuilder zeros(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        items.add(new Item(e, new byte[0], size));
        return this;
    }

    public TarBuilder dir(String name) {
        items.add(new Item(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), new byte[0], 0));
        return this;
    }

    /** An entry of another type: a link (with its target), a device, a FIFO. */
    public TarBuilder special(String name, byte type, String linkTarget) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (linkTarget != null) {
            e.setLinkName(linkTarget);
        }
        if (type == TarConstants.LF_CHR || type == TarConstants.LF_BLK) {
            e.setDevMajor(1);
            e.setDevMinor(3);
        }
        items.add(new Item(e, new byte[0], 0));
        return this;
    }

    public TarBuilder symlink(String name, String target) {
        return special(name, TarConstants.LF_SYMLINK, target);
    }

    /** A release manifest naming {@code entry} with {@code sha256}. */
    public TarBuilder manifest(String entry, String sha256) {
        return file(ReleaseBundle.MANIFEST, "name: oth-app\nversion: 1.0.0\nentry: " + entry + "\nsha256: " + sha256
                + "\njava: 17\nport: 8080\nhealth: /healthz\n");
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out);
        return out.toByteArray();
    }

    /** Writes the bundle to {@code file} and its checksum file beside it, as {@code sha256sum} would. */
    public Path writeTo(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return withChecksum(file);
    }

    public static Path withChecksum(Path file) {
        try {
            Files.writeString(BundleContents.checksumFile(file), FileOp.sha256(Files.readAllBytes(file)) + "  " + file.getFileName() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void write(OutputStream out) {
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }; TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, 10240)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] block = new byte[1 << 20];
            for (Item item : items) {
                item.entry().setModTime(MTIME);
                item.entry().setUserName("root");
                item.entry().setGroupName("root");
                tar.putArchiveEntry(item.entry());
                tar.write(item.content());
                for (long left = item.zeros(); left > 0; left -= block.length) {
                    tar.write(block, 0, (int) Math.min(left, block.length));
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes} followed by {@code zeros} zero bytes, gzipped. */
    public static byte[] gzipWithZeros(byte[] bytes, long zeros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
            byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                gzip.write(block, 0, (int) Math.min(left, block.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code bytes} without their last {@code cut} bytes. */
    public static byte[] truncated(byte[] bytes, int cut) {
        return Arrays.copyOf(bytes, bytes.length - cut);
    }
}
