package io.oth.bundle;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A node's part of a bundle, as the node sent it: a .tar.gz that a compromised node may have made
 * hostile. Only plain files and directories with plain relative names are taken, within bounds;
 * anything else refuses the node's part as a whole.
 */
final class NodeArchive {
    static final long MAX_ENTRY = 32L << 20;
    static final long MAX_TOTAL = 256L << 20;
    static final int MAX_ENTRIES = 5000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+:=,~-]+(/[A-Za-z0-9._@+:=,~-]+)*");

    /** Why a node's part was refused, in words fit for the index (never the node's bytes). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private NodeArchive() {
    }

    /** Unpacks {@code tarGz} into {@code dir} (which must exist); returns the bytes written. */
    static long extract(byte[] tarGz, Path dir) throws Refused {
        long total = 0;
        int count = 0;
        try (InputStream gzip = new GzipCompressorInputStream(new ByteArrayInputStream(tarGz));
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++count > MAX_ENTRIES) {
                    throw new Refused("more than " + MAX_ENTRIES + " entries");
                }
                String name = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                if (!NAME.matcher(name).matches() || name.contains("..")) {
                    throw new Refused("an entry with a name oth does not take (" + name.length() + " characters)");
                }
                Path target = dir.resolve(name).normalize();
                if (!target.startsWith(dir)) {
                    throw new Refused("an entry outside its directory");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile() && !e.isLink() && !e.isSymbolicLink()) {
                    if (e.getSize() > MAX_ENTRY) {
                        throw new Refused("an entry of " + e.getSize() + " bytes (at most " + MAX_ENTRY + ")");
                    }
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        total += tar.transferTo(out);
                    }
                    if (total > MAX_TOTAL) {
                        throw new Refused("more than " + MAX_TOTAL + " bytes in all");
                    }
                } else {
                    throw new Refused("an entry that is not a plain file or directory");
                }
            }
        } catch (IOException e) {
            throw new Refused("not a complete .tar.gz");
        }
        return total;
    }
}
