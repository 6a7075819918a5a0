package io.oth.install;

import io.oth.install.ReleaseBundle.BundleException;
import io.oth.op.Blob;
import io.oth.op.FileOp;
import io.oth.remote.NodeText;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release bundle (.tar.gz) as oth checks it on the operator's side, before anything is uploaded:
 * its sha256 matches the checksum file beside it ({@code BUNDLE.sha256}, in sha256sum's format),
 * and every tar entry, streamed one at a time, is a regular file or a directory with a plain
 * relative name inside the bundle, under the size caps. What the node's tar would do with a link,
 * a device, a {@code ../} or a second copy of a name never comes up: such a bundle is refused here,
 * naming the entry and why.
 *
 * <p>The compressed bytes are kept (after the caps passed) because they are what is uploaded and what
 * the node checks against {@link #sha256}; file contents are only streamed through a digest, except
 * the one small file asked for as the manifest.
 *
 * @param files    every regular file by its name in the bundle (without {@code ./}), with its sha256
 * @param manifest the content of the top-level file asked for as the manifest, when the bundle has it
 */
public record BundleContents(Path file, Blob blob, String sha256, Map<String, String> files, Optional<byte[]> manifest) {

    /** The compressed bundle, held in memory for the upload: traefik's and MinIO's releases are ~40-60 MB. */
    public static final long MAX_COMPRESSED = 256L << 20;
    /** One file in the bundle: the traefik and MinIO executables are ~100-150 MB. */
    public static final long MAX_ENTRY = 512L << 20;
    /** All files together: what the node's disk gets per release. */
    public static final long MAX_TOTAL = 1L << 30;
    public static final int MAX_ENTRIES = 4096;
    /** A release's manifest.yml: a few lines of YAML. */
    public static final int MAX_MANIFEST = 64 << 10;
    /** The checksum file beside a bundle; upstream checksum lists have a few dozen lines. */
    public static final int MAX_CHECKSUM_FILE = 64 << 10;
    public static final int MAX_NAME = 1024;
    /** Zeros after the tar's end: tar writers pad to their record size (GNU tar: 10 KiB). */
    public static final int MAX_PADDING = 1 << 20;

    /** The caps one read works with; tests use small ones to show each is enforced. */
    public record Limits(long compressed, long entry, long total, int entries, int manifest) {
        public static final Limits DEFAULT = new Limits(MAX_COMPRESSED, MAX_ENTRY, MAX_TOTAL, MAX_ENTRIES, MAX_MANIFEST);
    }

    /** The suffix of the checksum file beside a bundle: {@code traefik.tar.gz} has {@code traefik.tar.gz.sha256}. */
    public static final String CHECKSUM_SUFFIX = ".sha256";

    private static final Pattern CHECKSUM_LINE = Pattern.compile("([0-9A-Fa-f]{64}) [ *](.+)");
    private static final int SETUID_SETGID_STICKY = 07000;

    public static BundleContents read(Path file, Optional<String> manifestName) throws BundleException {
        return read(file, manifestName, Limits.DEFAULT);
    }

    /** With the default caps, a bundle checked before and unchanged since is not hashed again ({@link BundleDigests}). */
    public static BundleContents read(Path file, Optional<String> manifestName, Limits limits) throws BundleException {
        return read(file, manifestName, limits, limits.equals(Limits.DEFAULT) ? BundleDigests.user() : Optional.empty());
    }

    static BundleContents read(Path file, Optional<String> manifestName, Limits limits, Optional<BundleDigests> digests) throws BundleException {
        String expected = expectedSha256(file);
        Optional<BundleDigests.Identity> before = BundleDigests.Identity.of(file);
        String context = "sha256 " + expected + "\nmanifest " + manifestName.orElse("-") + "\nlimits " + limits;
        if (digests.isPresent() && before.isPresent() && before.get().size() <= limits.compressed()) {
            Optional<BundleDigests.Found> known = digests.get().lookup(before.get(), context);
            if (known.isPresent() && known.get().sha256().equals(expected)) {
                // Checked before and unchanged since: its bytes are read only if they are uploaded,
                // and only while the file is still the one checked.
                BundleDigests.Identity checked = before.get();
                Blob later = Blob.later(checked.size(), expected, () -> {
                    try {
                        byte[] bytes = boundedRead(file, limits.compressed(), "the bundle");
                        if (BundleDigests.Identity.of(file).filter(checked::equals).isEmpty()) {
                            throw new IOException(file + " changed since it was checked");
                        }
                        return bytes;
                    } catch (BundleException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                });
                return new BundleContents(file, later, expected, known.get().files(), known.get().manifest());
            }
        }
        byte[] bytes = boundedRead(file, limits.compressed(), "the bundle");
        Optional<BundleDigests.Identity> identity = before.filter(b -> BundleDigests.Identity.of(file).filter(b::equals).isPresent());
        BundleContents checked = check(file, bytes, expected, manifestName, limits);
        if (digests.isPresent() && identity.isPresent()) {
            digests.get().remember(identity.get(), context, new BundleDigests.Found(checked.sha256(), checked.files(), checked.manifest()));
        }
        return checked;
    }

    /**
     * A bundle already in memory (the offline bundle carries the release, traefik and MinIO bundles
     * inside it) checked as {@link #read} checks a file: its sha256 against {@code expected}, then
     * every entry. {@code file} only names it in messages.
     */
    public static BundleContents verified(Path file, byte[] bytes, String expected, Optional<String> manifestName) throws BundleException {
        if (bytes.length > Limits.DEFAULT.compressed()) {
            throw new BundleException(file + ": the bundle is " + bytes.length + " bytes, more than oth accepts (" + Limits.DEFAULT.compressed() + ")");
        }
        return check(file, bytes, expected, manifestName, Limits.DEFAULT);
    }

    /** The whole check: the sha256 against the checksum file, then every entry. */
    private static BundleContents check(Path file, byte[] bytes, String expected, Optional<String> manifestName, Limits limits) throws BundleException {
        String sha256 = FileOp.sha256(bytes);
        if (!sha256.equals(expected)) {
            throw new BundleException(file + ": sha256 is " + sha256 + ", " + checksumFile(file).getFileName() + " says " + expected
                    + " (a damaged, incomplete or altered bundle)");
        }
        Scan scan = new Scan(file, manifestName, limits);
        try (GzipCompressorInputStream gzip = new GzipCompressorInputStream(new ByteArrayInputStream(bytes), true);
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                scan.entry(e, tar);
            }
            scan.trailer(gzip);
        } catch (EOFException e) {
            throw new BundleException(file + ": not a complete .tar.gz (it ends in the middle: truncated)");
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(file + ": not a complete .tar.gz (" + String.valueOf(e.getMessage()).replaceFirst("\\.$", "") + ")");
        }
        if (scan.files.isEmpty()) {
            throw new BundleException(file + ": the bundle holds no files");
        }
        return new BundleContents(file, Blob.of(bytes), sha256, Map.copyOf(scan.files), scan.manifest);
    }

    /** The bundle as uploaded; read now if it was checked on an earlier run, and refused if it changed since. */
    public byte[] bytes() throws BundleException {
        try {
            return blob.bytes();
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read the bundle again (" + e.getMessage() + "); run again to check it anew");
        }
    }

    /** Whether the bundle has {@code name} as a regular file at its top. */
    public boolean hasTopLevelFile(String name) {
        return files.containsKey(name);
    }

    public static Path checksumFile(Path bundle) {
        return bundle.resolveSibling(bundle.getFileName() + CHECKSUM_SUFFIX);
    }

    /**
     * The bundle's sha256 from the checksum file beside it, as {@code sha256sum} writes it
     * ({@code HEX  NAME} or {@code HEX *NAME}, one file a line): the line that names the bundle's
     * file name. Upstream lists (traefik's {@code *_checksums.txt}, MinIO's {@code *.sha256sum})
     * can be copied there as they are.
     */
    static String expectedSha256(Path bundle) throws BundleException {
        Path sums = checksumFile(bundle);
        if (!Files.exists(sums)) {
            throw new BundleException(bundle + ": no checksum file " + sums + " beside it (sha256sum's format: the bundle's sha256, two spaces,"
                    + " its file name; e.g. `sha256sum " + bundle.getFileName() + " > " + sums.getFileName() + "`, or the checksum list its project publishes)");
        }
        String text = new String(boundedRead(sums, MAX_CHECKSUM_FILE, "the checksum file"), StandardCharsets.UTF_8);
        String name = bundle.getFileName().toString();
        String found = null;
        List<String> listed = new ArrayList<>();
        int lineNumber = 0;
        for (String line : text.split("\r?\n", -1)) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = CHECKSUM_LINE.matcher(line);
            if (!m.matches()) {
                throw new BundleException(sums + ":" + lineNumber + ": not a sha256sum line (expected 64 hex digits, two spaces, a file name)");
            }
            String listedName = m.group(2).startsWith("./") ? m.group(2).substring(2) : m.group(2);
            listed.add(printable(listedName));
            if (listedName.equals(name)) {
                String sum = m.group(1).toLowerCase();
                if (found != null && !found.equals(sum)) {
                    throw new BundleException(sums + ":" + lineNumber + ": a second, different sha256 for " + name);
                }
                found = sum;
            }
        }
        if (found == null) {
            throw new BundleException(sums + ": no sha256 for " + printable(name) + (listed.isEmpty() ? " (the file is empty)"
                    : " (it lists " + String.join(", ", listed.subList(0, Math.min(listed.size(), 5))) + (listed.size() > 5 ? ", ..." : "") + ")"));
        }
        return found;
    }

    /** A regular file's bytes, refused before reading when it is not a regular file or larger than {@code cap}. */
    private static byte[] boundedRead(Path file, long cap, String what) throws BundleException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new BundleException(file + ": " + what + " is not a regular file");
            }
            if (attributes.size() > cap) {
                throw new BundleException(file + ": " + what + " is " + attributes.size() + " bytes, more than oth accepts (" + cap + ")");
            }
            // One array of the size the file has, filled in large reads (a bundle is tens of MB):
            // a byte more than that means the file grew while it was read, and it is refused.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(attributes.size()));
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // on to the end of the file, or to the size it had
                }
                if (channel.read(ByteBuffer.allocate(1)) > 0) {
                    throw new BundleException(file + ": " + what + " grew while it was read (is it still being written?)");
                }
                return buffer.hasRemaining() ? Arrays.copyOf(buffer.array(), buffer.position()) : buffer.array();
            }
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read " + what + ": " + e.getMessage());
        }
    }

    /** The state of one pass over a bundle's entries. */
    private static final class Scan {
        private final Entries entries;
        private final Optional<String> manifestName;
        private final Limits limits;
        private final Map<String, String> files = new LinkedHashMap<>();
        private Optional<byte[]> manifest = Optional.empty();
        private final Path file;

        Scan(Path file, Optional<String> manifestName, Limits limits) {
            this.file = file;
            this.entries = new Entries(file, limits.entries(), limits.entry(), limits.total());
            this.manifestName = manifestName;
            this.limits = limits;
        }

        void entry(TarArchiveEntry e, TarArchiveInputStream tar) throws BundleException, IOException {
            Optional<String> accepted = entries.accept(e, (name, size) -> manifestName.filter(name::equals).isPresent() && size > limits.manifest()
                    ? Optional.of(size + " bytes, more than a manifest may have (" + limits.manifest() + ")") : Optional.empty());
            if (accepted.isEmpty()) {
                return;
            }
            String name = accepted.get();
            boolean isManifest = manifestName.filter(name::equals).isPresent();
            MessageDigest digest = newDigest();
            DigestInputStream in = new DigestInputStream(tar, digest);
            if (isManifest) {
                manifest = Optional.of(in.readNBytes(limits.manifest()));
            } else {
                in.transferTo(OutputStream.nullOutputStream());
            }
            files.put(name, HexFormat.of().formatHex(digest.digest()));
        }

        void trailer(InputStream rest) throws BundleException, IOException {
            Entries.trailer(file, rest);
        }
    }

    /**
     * The rules every entry of a bundle oth reads must pass, one entry at a time: a regular file or a
     * directory, a plain relative name inside the bundle, no second entry of a name, no special mode
     * bits, under the caps. The offline bundle ({@code io.oth.offline}) reads its tar with the same rules.
     */
    public static final class Entries {
        private final Path file;
        private final int maxEntries;
        private final long maxEntry;
        private final long maxTotal;
        /** Every name seen, without {@code ./} or a trailing slash, with whether it is a directory. */
        private final Map<String, Boolean> names = new LinkedHashMap<>();
        private long total;
        private int count;

        public Entries(Path file, int maxEntries, long maxEntry, long maxTotal) {
            this.file = file;
            this.maxEntries = maxEntries;
            this.maxEntry = maxEntry;
            this.maxTotal = maxTotal;
        }

        /**
         * The entry's name as it lands below the bundle's directory (without {@code ./}), empty for a
         * directory; refused, naming the entry and why, when it breaks a rule. A file's size is counted
         * from its header, before its content is read.
         */
        public Optional<String> accept(TarArchiveEntry e) throws BundleException {
            return accept(e, (name, size) -> Optional.empty());
        }

        /** Like {@link #accept(TarArchiveEntry)}, with a smaller cap for some files: {@code cap} gives the reason to refuse one, before the common cap. */
        public Optional<String> accept(TarArchiveEntry e, java.util.function.BiFunction<String, Long, Optional<String>> cap) throws BundleException {
            String raw = e.getName();
            if (++count > maxEntries) {
                throw refused(raw, "more than " + maxEntries + " entries in one bundle");
            }
            String kind = kind(e);
            if (kind != null) {
                throw refused(raw, kind + (e.isSymbolicLink() || e.isLink() ? " to " + printable(e.getLinkName()) : "")
                        + " (a bundle holds only regular files and directories)");
            }
            String name = name(raw);
            if ((e.getMode() & SETUID_SETGID_STICKY) != 0) {
                throw refused(raw, "mode " + Integer.toOctalString(e.getMode()) + " sets setuid, setgid or sticky bits");
            }
            if (name.isEmpty()) {
                if (!e.isDirectory()) {
                    throw refused(raw, "a file without a name");
                }
                return Optional.empty();
            }
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                if (Boolean.FALSE.equals(names.get(name.substring(0, slash)))) {
                    throw refused(raw, "is inside " + printable(name.substring(0, slash)) + ", which is a file in this bundle");
                }
            }
            if (names.putIfAbsent(name, e.isDirectory()) != null) {
                throw refused(raw, "a second entry named " + printable(name) + " (it would replace the first when unpacked)");
            }
            if (e.isDirectory()) {
                return Optional.empty();
            }
            Optional<String> tooLarge = cap.apply(name, e.getSize());
            if (tooLarge.isPresent()) {
                throw refused(raw, tooLarge.get());
            }
            if (e.getSize() > maxEntry) {
                throw refused(raw, e.getSize() + " bytes, more than oth accepts for one file (" + maxEntry + ")");
            }
            total += e.getSize();
            if (total > maxTotal) {
                throw refused(raw, "the bundle's files add up to more than oth accepts (" + maxTotal + " bytes)");
            }
            return Optional.of(name);
        }

        /** After the tar's end: only zero padding (for a .tar.gz, in a gzip stream that ends where it should, its CRC checked). */
        public static void trailer(Path file, InputStream rest) throws BundleException, IOException {
            byte[] buffer = new byte[8192];
            long padding = 0;
            int n;
            while ((n = rest.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != 0) {
                        throw new BundleException(file + ": data after the end of the tar archive (hidden from tar, refused)");
                    }
                }
                padding += n;
                if (padding > MAX_PADDING) {
                    throw new BundleException(file + ": more than " + MAX_PADDING + " bytes of padding after the end of the tar archive");
                }
            }
        }

        /** What the entry is when it is neither a regular file nor a directory, else null. */
        private static String kind(TarArchiveEntry e) {
            return switch (e.getLinkFlag()) {
                case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG, TarConstants.LF_DIR -> e.isSparse() ? "a sparse file" : null;
                case TarConstants.LF_SYMLINK -> "a symbolic link";
                case TarConstants.LF_LINK -> "a hard link";
                case TarConstants.LF_CHR -> "a character device";
                case TarConstants.LF_BLK -> "a block device";
                case TarConstants.LF_FIFO -> "a FIFO";
                default -> "an entry of type '" + printable(String.valueOf((char) e.getLinkFlag())) + "'";
            };
        }

        /** The entry's name as it lands under the release directory, or refused when it would land elsewhere. */
        private String name(String raw) throws BundleException {
            if (raw.length() > MAX_NAME) {
                throw refused(raw.substring(0, 64) + "...", "a name longer than " + MAX_NAME + " characters");
            }
            if (raw.startsWith("/")) {
                throw refused(raw, "an absolute path");
            }
            if (!printable(raw).equals(raw)) {
                throw refused(raw, "control characters in the name");
            }
            List<String> parts = new ArrayList<>();
            for (String part : raw.split("/")) {
                if (part.equals("..")) {
                    throw refused(raw, "a \"..\" component (it would land outside the bundle's directory)");
                }
                if (!part.isEmpty() && !part.equals(".")) {
                    parts.add(part);
                }
            }
            return String.join("/", parts);
        }

        public BundleException refused(String entry, String reason) {
            return new BundleException(file + ": entry \"" + printable(entry) + "\": " + reason);
        }
    }

    /**
     * {@code text} with control characters shown escaped as {@link NodeText#escape} shows them, so
     * that a name cannot forge lines in a message.
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                NodeText.escape(c, out);
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
