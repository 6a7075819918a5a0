package io.oth.install.offline;

import io.oth.install.InstallPlaybook;
import io.oth.install.ProgramBundle;
import io.oth.install.ReleaseBundle;
import io.oth.install.ReleaseBundle.BundleException;
import io.oth.op.FileOp;
import io.oth.site.Site;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code oth bundle create}: everything an install of a site needs where no package source can be
 * reached, in one plain tar. The Debian packages of every role the site uses with their whole
 * closure ({@link PackageSource}), the release, traefik and MinIO bundles the site file names
 * (checked against their checksum files first, as install checks them), and {@code manifest.yml}
 * listing all of it with sizes and sha256s. Nothing of the site's state goes in: no key, secret or
 * certificate.
 *
 * <p>The manifest is not signed: the keys oth keeps for a site are its CA's, which sign certificates
 * only (a key used for one purpose is not lent to another), and a bundle is often made before the
 * first install has made them. Its sha256 is printed instead, for the operator to carry out of band
 * and give to {@code install --manifest-sha256}.
 */
public final class BundleMaker {
    private final PackageSource source;
    private final Clock clock;

    public BundleMaker(PackageSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** What was written: the manifest and its sha256. */
    public record Made(OfflineManifest manifest, String manifestSha256) {
    }

    /** Makes the bundle at {@code out} (written beside it under a temporary name, then renamed); refused, with every problem, before it is written. */
    public Made make(Site site, InstallPlaybook playbook, Path out, PrintWriter log) throws DebPackage.InvalidException, IOException {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        List<OfflineManifest.BundleFile> bundleFiles = new ArrayList<>();
        try {
            ReleaseBundle release = ReleaseBundle.ofSite(site);
            add(bundles, bundleFiles, "release", release.file(), release.bytes(), release.sha256());
        } catch (BundleException e) {
            problems.add(e.getMessage());
        }
        try {
            Path traefik = site.application().traefik().orElseThrow(() -> new BundleException(site.file() + ": application.traefik: missing"));
            ProgramBundle t = ProgramBundle.read(traefik, ProgramBundle.TRAEFIK);
            add(bundles, bundleFiles, "traefik", traefik, t.bytes(), t.sha256());
        } catch (BundleException e) {
            problems.add(e.getMessage());
        }
        if (site.storage().objects().isLocal()) {
            try {
                Path minio = site.application().minio().orElseThrow(() -> new BundleException(site.file()
                        + ": application.minio: missing (storage.objects is local)"));
                ProgramBundle m = ProgramBundle.read(minio, ProgramBundle.MINIO);
                add(bundles, bundleFiles, "minio", minio, m.bytes(), m.sha256());
            } catch (BundleException e) {
                problems.add(e.getMessage());
            }
        }
        bundleFiles.stream().filter(b -> !OfflineManifest.BUNDLE_FILE.matcher(b.file()).matches()).forEach(b -> problems.add(site.file() + ": the "
                + b.kind() + " bundle's file name " + DebPackage.printable(b.file().substring("bundles/".length()))
                + " is not one an offline bundle carries (letters, digits, . _ + -)"));
        if (bundleFiles.stream().map(OfflineManifest.BundleFile::file).distinct().count() < bundleFiles.size()) {
            problems.add(site.file() + ": two of the release, traefik and MinIO bundles have the same file name");
        }
        if (!problems.isEmpty()) {
            throw new DebPackage.InvalidException(problems);
        }
        PackageSource.Release release = source.release();
        Path work = Files.createTempDirectory("oth-bundle-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Map<String, List<String>> needs = new TreeMap<>();
            site.nodes().forEach(n -> needs.computeIfAbsent(n.role(), role -> playbook.packagesFor(site, role)));
            Map<String, DebPackage> debs = new TreeMap<>();
            Map<String, Path> paths = new LinkedHashMap<>();
            Map<String, OfflineManifest.Role> roles = new TreeMap<>();
            for (Map.Entry<String, List<String>> need : needs.entrySet()) {
                String role = need.getKey();
                log.printf("role %s: %s%n", role, String.join(" ", need.getValue()));
                List<String> files = new ArrayList<>();
                for (Path path : source.resolve(role, need.getValue(), Files.createDirectories(work.resolve(role)))) {
                    DebPackage deb = read(path);
                    if (!deb.architecture().equals(release.architecture()) && !deb.architecture().equals("all")) {
                        problems.add(path + ": architecture " + deb.architecture() + ", the nodes' is " + release.architecture());
                    }
                    DebPackage known = debs.putIfAbsent(deb.file(), deb);
                    if (known != null && !known.sha256().equals(deb.sha256())) {
                        problems.add(path + ": a second, different " + deb.file() + " (sha256 " + deb.sha256() + ", the first " + known.sha256() + ")");
                    }
                    paths.putIfAbsent(deb.file(), path);
                    if (!files.contains(deb.file())) {
                        files.add(deb.file());
                    }
                }
                List<DebPackage> roleDebs = files.stream().map(debs::get).toList();
                for (String p : need.getValue()) {
                    if (roleDebs.stream().noneMatch(d -> d.name().equals(p))) {
                        problems.add("role " + role + ": no .deb of package " + p);
                    }
                }
                PackageClosure.of(need.getValue(), roleDebs, PackageClosure.Installed.NOTHING).unmet()
                        .forEach(u -> problems.add("role " + role + ": no .deb for dependency " + u));
                roles.put(role, new OfflineManifest.Role(need.getValue(), files));
                log.printf("role %s: %d .deb(s)%n", role, files.size());
            }
            if (!problems.isEmpty()) {
                throw new DebPackage.InvalidException(problems);
            }
            OfflineManifest manifest = new OfflineManifest(site.name(), Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString(),
                    release.codename(), release.architecture(), roles, List.copyOf(debs.values()), List.copyOf(bundleFiles));
            byte[] manifestBytes = manifest.render();
            String sha = FileOp.sha256(manifestBytes);
            write(out, manifest, manifestBytes, sha, paths, bundles);
            return new Made(manifest, sha);
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void add(Map<String, byte[]> bundles, List<OfflineManifest.BundleFile> files, String kind, Path file, byte[] bytes, String sha256) {
        String name = "bundles/" + file.getFileName();
        bundles.put(name, bytes);
        files.add(new OfflineManifest.BundleFile(kind, name, bytes.length, sha256));
    }

    private DebPackage read(Path path) throws IOException, DebPackage.InvalidException {
        Map<String, String> fields = new LinkedHashMap<>(source.fields(path));
        fields.keySet().retainAll(DebPackage.FIELDS);
        String name = String.valueOf(fields.get("Package"));
        String version = String.valueOf(fields.get("Version"));
        String arch = String.valueOf(fields.get("Architecture"));
        return DebPackage.of(DebPackage.fileName(name, version, arch), Files.size(path), sha256(path), fields, path.toString());
    }

    /** The tar, written to a temporary file beside {@code out} and renamed over it once complete and on disk. */
    private void write(Path out, OfflineManifest manifest, byte[] manifestBytes, String sha, Map<String, Path> paths, Map<String, byte[]> bundles)
            throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        boolean done = false;
        try {
            try (OutputStream file = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                Instant created = Instant.parse(manifest.created());
                entry(tar, OfflineBundle.MANIFEST, manifestBytes, created);
                entry(tar, OfflineBundle.MANIFEST_SHA256, (sha + "  " + OfflineBundle.MANIFEST + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), created);
                for (DebPackage deb : manifest.debs()) {
                    TarArchiveEntry e = new TarArchiveEntry(deb.file());
                    e.setSize(deb.size());
                    e.setMode(0644);
                    e.setModTime(created.toEpochMilli());
                    tar.putArchiveEntry(e);
                    MessageDigest digest = newDigest();
                    long copied;
                    try (InputStream in = new DigestInputStream(Files.newInputStream(paths.get(deb.file())), digest)) {
                        copied = in.transferTo(tar);
                    }
                    tar.closeArchiveEntry();
                    if (copied != deb.size() || !HexFormat.of().formatHex(digest.digest()).equals(deb.sha256())) {
                        throw new IOException(paths.get(deb.file()) + ": changed while the bundle was written; nothing was written");
                    }
                }
                for (OfflineManifest.BundleFile b : manifest.bundles()) {
                    entry(tar, b.file(), bundles.get(b.file()), created);
                }
                tar.finish();
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            // Packages and public release bundles only, no secret: readable by whoever carries it (the umask must not decide).
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] bytes, Instant time) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        e.setMode(0644);
        e.setModTime(time.toEpochMilli());
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
