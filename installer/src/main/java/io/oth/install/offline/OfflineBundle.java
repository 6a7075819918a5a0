package io.oth.install.offline;

import io.oth.install.BundleContents;
import io.oth.install.ProgramBundle;
import io.oth.install.ReleaseBundle;
import io.oth.install.ReleaseBundle.BundleException;
import io.oth.op.FileOp;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An offline bundle ({@code oth bundle create}) as install reads it: a plain tar, streamed once and
 * checked entry by entry with the rules of every bundle oth reads ({@link BundleContents.Entries}:
 * no links, devices, {@code ..}, duplicates; size caps), holding exactly
 * {@code manifest.yml}, {@code manifest.yml.sha256}, the .debs under {@code debs/} and the release
 * and program bundles under {@code bundles/} that the manifest lists, each with the size and sha256
 * the manifest gives. The manifest's own sha256 is checked against its checksum file and, when the
 * operator gives it ({@code --manifest-sha256}, the value {@code bundle create} printed), against
 * that: the one value that vouches for every byte.
 *
 * <p>The .debs are not held in memory: their place in the tar is kept, and each is read again when it
 * is uploaded and its sha256 checked once more, so the bytes that leave are the bytes that were checked.
 */
public final class OfflineBundle {
    public static final String MANIFEST = "manifest.yml";
    public static final String MANIFEST_SHA256 = MANIFEST + BundleContents.CHECKSUM_SUFFIX;
    /** The whole bundle: a site's packages (~300 MB with Java, MariaDB and Erlang) and three program bundles. */
    public static final long MAX_FILE = 8L << 30;
    public static final long MAX_ENTRY = BundleContents.MAX_ENTRY;
    public static final int MAX_ENTRIES = 8192;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_CHECKSUM = 4096;

    private final Path file;
    private final OfflineManifest manifest;
    private final String manifestSha256;
    private final Map<String, Long> offsets;
    private final ReleaseBundle release;
    private final ProgramBundle traefik;
    private final Optional<ProgramBundle> minio;

    private OfflineBundle(Path file, OfflineManifest manifest, String manifestSha256, Map<String, Long> offsets, ReleaseBundle release,
                          ProgramBundle traefik, Optional<ProgramBundle> minio) {
        this.file = file;
        this.manifest = manifest;
        this.manifestSha256 = manifestSha256;
        this.offsets = Map.copyOf(offsets);
        this.release = release;
        this.traefik = traefik;
        this.minio = minio;
    }

    /**
     * Reads and checks the whole bundle; {@code pinned} is the manifest's sha256 as the operator
     * received it out of band. Refused, naming the file and the entry, at the first thing wrong.
     */
    public static OfflineBundle read(Path file, Optional<String> pinned) throws BundleException {
        if (pinned.isPresent() && !SHA256.matcher(pinned.get()).matches()) {
            throw new BundleException("--manifest-sha256: \"" + BundleContents.printable(pinned.get()) + "\" is not 64 lower-case hex digits");
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new BundleException(file + ": not a regular file");
            }
            if (attributes.size() > MAX_FILE) {
                throw new BundleException(file + ": " + attributes.size() + " bytes, more than oth accepts for an offline bundle (" + MAX_FILE + ")");
            }
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, String> sums = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        Map<String, byte[]> held = new LinkedHashMap<>();
        BundleContents.Entries entries = new BundleContents.Entries(file, MAX_ENTRIES, MAX_ENTRY, MAX_FILE);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            raw.mark(2);
            if (raw.read() == 0x1f && raw.read() == 0x8b) {
                throw new BundleException(file + ": a gzip file; an offline bundle is a plain .tar (its contents are compressed already):"
                        + " gunzip it first");
            }
            raw.reset();
            Counting counted = new Counting(raw);
            TarArchiveInputStream tar = new TarArchiveInputStream(counted);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Optional<String> accepted = entries.accept(e, OfflineBundle::cap);
                if (accepted.isEmpty()) {
                    continue;
                }
                String name = accepted.get();
                boolean deb = name.startsWith("debs/") && name.indexOf('/', 5) < 0;
                boolean bundle = name.startsWith("bundles/") && name.indexOf('/', 8) < 0;
                if (!deb && !bundle && !name.equals(MANIFEST) && !name.equals(MANIFEST_SHA256)) {
                    throw entries.refused(e.getName(), "not part of an offline bundle (manifest.yml, manifest.yml.sha256, debs/*.deb, bundles/*)");
                }
                MessageDigest digest = newDigest();
                DigestInputStream in = new DigestInputStream(tar, digest);
                if (deb) {
                    // The tar reader has read exactly the headers so far (in records): this is where the data starts.
                    offsets.put(name, counted.count);
                    in.transferTo(OutputStream.nullOutputStream());
                } else {
                    byte[] bytes = in.readNBytes(Math.toIntExact(e.getSize()));
                    held.put(name, bytes);
                }
                sums.put(name, HexFormat.of().formatHex(digest.digest()));
                sizes.put(name, e.getSize());
            }
            BundleContents.Entries.trailer(file, raw);
        } catch (EOFException e) {
            throw new BundleException(file + ": not a complete tar (it ends in the middle: truncated)");
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(file + ": not a complete tar (" + String.valueOf(e.getMessage()).replaceFirst("\\.$", "") + ")");
        }
        byte[] manifestBytes = held.get(MANIFEST);
        if (manifestBytes == null) {
            throw new BundleException(file + ": no " + MANIFEST + " (not an offline bundle made by oth bundle create)");
        }
        String manifestSha256 = sums.get(MANIFEST);
        byte[] checksum = held.get(MANIFEST_SHA256);
        if (checksum == null) {
            throw new BundleException(file + ": no " + MANIFEST_SHA256);
        }
        String listed = new String(checksum, StandardCharsets.US_ASCII).strip().split("\\s+", 2)[0];
        if (!listed.equals(manifestSha256)) {
            throw new BundleException(file + ": " + MANIFEST + " has sha256 " + manifestSha256 + ", " + MANIFEST_SHA256 + " says "
                    + BundleContents.printable(listed) + " (a damaged or altered manifest)");
        }
        if (pinned.isPresent() && !pinned.get().equals(manifestSha256)) {
            throw new BundleException(file + ": " + MANIFEST + " has sha256 " + manifestSha256 + ", not " + pinned.get()
                    + " as given with --manifest-sha256 (not the bundle that was made, or altered since)");
        }
        OfflineManifest manifest;
        try {
            manifest = OfflineManifest.parse(manifestBytes, file + "!" + MANIFEST);
        } catch (DebPackage.InvalidException e) {
            throw new BundleException(String.join("\n", e.problems()));
        }
        for (Map.Entry<String, OfflineManifest.Listed> f : manifest.files().entrySet()) {
            String name = f.getKey();
            if (!sums.containsKey(name)) {
                throw new BundleException(file + ": " + name + " is in the manifest but not in the bundle");
            }
            if (sizes.get(name) != f.getValue().size() || !sums.get(name).equals(f.getValue().sha256())) {
                throw new BundleException(file + ": " + name + " has sha256 " + sums.get(name) + " (" + sizes.get(name) + " bytes), the manifest says "
                        + f.getValue().sha256() + " (" + f.getValue().size() + " bytes): a damaged or altered file");
            }
        }
        for (String name : sums.keySet()) {
            if (!name.equals(MANIFEST) && !name.equals(MANIFEST_SHA256) && !manifest.files().containsKey(name)) {
                throw new BundleException(file + ": " + BundleContents.printable(name) + " is in the bundle but not in its manifest");
            }
        }
        ReleaseBundle release = ReleaseBundle.of(inner(file, manifest, "release", held, Optional.of(ReleaseBundle.MANIFEST)));
        ProgramBundle traefik = ProgramBundle.of(inner(file, manifest, "traefik", held, Optional.empty()), ProgramBundle.TRAEFIK);
        Optional<ProgramBundle> minio = Optional.empty();
        if (manifest.bundle("minio").isPresent()) {
            minio = Optional.of(ProgramBundle.of(inner(file, manifest, "minio", held, Optional.empty()), ProgramBundle.MINIO));
        }
        return new OfflineBundle(file, manifest, manifestSha256, offsets, release, traefik, minio);
    }

    private static Optional<String> cap(String name, long size) {
        if ((name.equals(MANIFEST) || name.equals(MANIFEST_SHA256)) && size > OfflineManifest.MAX_BYTES) {
            return Optional.of(size + " bytes, more than a manifest may have (" + OfflineManifest.MAX_BYTES + ")");
        }
        if (name.equals(MANIFEST_SHA256) && size > MAX_CHECKSUM) {
            return Optional.of(size + " bytes, more than a checksum file may have (" + MAX_CHECKSUM + ")");
        }
        if (name.startsWith("bundles/") && size > BundleContents.MAX_COMPRESSED) {
            return Optional.of(size + " bytes, more than oth accepts for a release bundle (" + BundleContents.MAX_COMPRESSED + ")");
        }
        return Optional.empty();
    }

    /** A bundle inside, checked as a bundle beside a site file is (its sha256 was checked against the manifest already). */
    private static BundleContents inner(Path file, OfflineManifest manifest, String kind, Map<String, byte[]> held, Optional<String> manifestName)
            throws BundleException {
        OfflineManifest.BundleFile listed = manifest.bundle(kind).orElseThrow(() -> new BundleException(file + ": the manifest names no "
                + kind + " bundle"));
        return BundleContents.verified(Path.of(file + "!" + listed.file()), held.get(listed.file()), listed.sha256(), manifestName);
    }

    public Path file() {
        return file;
    }

    public OfflineManifest manifest() {
        return manifest;
    }

    /** The manifest's sha256: the bundle's fingerprint, which {@code bundle create} printed. */
    public String manifestSha256() {
        return manifestSha256;
    }

    public ReleaseBundle release() {
        return release;
    }

    public ProgramBundle traefik() {
        return traefik;
    }

    public Optional<ProgramBundle> minio() {
        return minio;
    }

    /** For messages: the file and its fingerprint. */
    public String describe() {
        return file + " (manifest sha256 " + manifestSha256 + ")";
    }

    /**
     * What each role needs that the bundle lacks: one line per package, naming it and the role.
     * {@code needs} is role to packages, as the install would ask for them.
     */
    public List<String> missing(Map<String, List<String>> needs) {
        List<String> problems = new ArrayList<>();
        needs.forEach((role, packages) -> {
            OfflineManifest.Role listed = manifest.roles().get(role);
            List<DebPackage> debs = debs(role);
            for (String p : packages) {
                if (debs.stream().noneMatch(d -> d.name().equals(p))) {
                    problems.add(file + ": has no package " + p + " for role " + role + (listed == null ? " (the bundle has no packages for role "
                            + role + ": was it made for another site file?)" : ""));
                }
            }
            if (listed != null) {
                List<String> present = packages.stream().filter(p -> debs.stream().anyMatch(d -> d.name().equals(p))).toList();
                PackageClosure.Result closure = PackageClosure.of(present, debs, PackageClosure.Installed.NOTHING);
                closure.unmet().forEach(u -> problems.add(file + ": role " + role + ": no package in the bundle for dependency " + u));
            }
        });
        return problems;
    }

    /** The .debs of {@code role} in the bundle. */
    public List<DebPackage> debs(String role) {
        OfflineManifest.Role listed = manifest.roles().get(role);
        return listed == null ? List.of() : manifest.debs().stream().filter(d -> listed.debs().contains(d.file())).toList();
    }

    /** A .deb's bytes, read again from the bundle and checked once more against the manifest, to be uploaded. */
    public byte[] bytes(DebPackage deb) throws IOException {
        Long offset = offsets.get(deb.file());
        if (offset == null || deb.size() > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": " + deb.file() + " is not in the bundle");
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(deb.size()));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException(file + ": " + deb.file() + " is cut short (the bundle changed since it was checked)");
                }
            }
        }
        byte[] bytes = buffer.array();
        String sha256 = FileOp.sha256(bytes);
        if (!sha256.equals(deb.sha256())) {
            throw new IOException(file + ": " + deb.file() + " has sha256 " + sha256 + ", the manifest says " + deb.sha256()
                    + " (the bundle changed since it was checked); nothing of it was uploaded");
        }
        return bytes;
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends java.io.FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
