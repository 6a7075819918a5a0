package io.oth.install;

import io.oth.remote.Sha256;
import io.oth.secret.PrivateFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What oth found when it last checked a bundle, per file identity, so that a run does not hash
 * tens of megabytes again (and gunzip and hash every entry) when the file has not changed since:
 * the whole file's sha256, each entry's, and the manifest. Kept in the user's cache directory
 * ({@code $XDG_CACHE_HOME/oth/bundles}, else {@code ~/.cache/oth/bundles}; 0600 files).
 *
 * <p>A file's identity is what git's index trusts: its path, device, inode, size, modification
 * and status-change times (nanoseconds). Rewriting the file changes its ctime, which no one but the
 * clock sets, so a changed bundle is never taken for the one recorded. As git does against "racy"
 * entries, a file changed within {@link #SETTLED} of the check is not remembered. The checksum file
 * beside the bundle is read on every run, and its sha256 is part of the key: an edited checksum
 * file is checked against the bytes again.
 *
 * <p>An entry is input like any other: bounded, parsed strictly, and ignored (the bundle is then
 * checked in full) when it does not parse. Whoever can write it can also write the bundle, its
 * checksum file and oth itself, so it widens nothing.
 */
final class BundleDigests {
    /** A file younger than this may still be changed within the same clock tick: not remembered. */
    static final Duration SETTLED = Duration.ofSeconds(2);
    private static final int KEEP = 64;
    private static final String HEADER = "oth-bundle-digests 1";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** One check's findings: what {@link BundleContents} holds besides the bytes. */
    record Found(String sha256, Map<String, String> files, Optional<byte[]> manifest) {
    }

    /** A file's identity at one moment; two equal ones around a read mean the read saw one file. */
    record Identity(String path, Object key, long size, long modifiedNanos, long changedNanos) {
        static Optional<Identity> of(Path file) {
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:ino,dev,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
                return Optional.of(new Identity(file.toAbsolutePath().normalize().toString(), a.get("dev") + ":" + a.get("ino"),
                        (Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime"))));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return Optional.empty();
            }
        }

        private static long nanos(FileTime t) {
            return t.to(TimeUnit.NANOSECONDS);
        }

        boolean settledAt(Instant now) {
            long newest = Math.max(modifiedNanos, changedNanos);
            return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano() - newest > SETTLED.toNanos();
        }
    }

    private final Path dir;
    private final Clock clock;

    BundleDigests(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The user's cache, or none when there is no home to keep it in. */
    static Optional<BundleDigests> user() {
        String cache = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        if ((cache == null || cache.isBlank()) && (home == null || home.isBlank() || home.equals("?"))) {
            return Optional.empty();
        }
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(home, ".cache");
        return Optional.of(new BundleDigests(base.resolve("oth").resolve("bundles"), Clock.systemUTC()));
    }

    Optional<Found> lookup(Identity identity, String context) {
        Path entry = dir.resolve(name(identity, context));
        try {
            if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) || Files.size(entry) > maxEntry()) {
                return Optional.empty();
            }
            byte[] raw;
            try (InputStream in = Files.newInputStream(entry, LinkOption.NOFOLLOW_LINKS)) {
                raw = in.readNBytes(maxEntry() + 1);
            }
            return raw.length > maxEntry() ? Optional.empty() : parse(new String(raw, StandardCharsets.UTF_8), key(identity, context));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Remembers a check that passed; a cache that cannot be written only means the next run checks again. */
    void remember(Identity identity, String context, Found found) {
        if (!identity.settledAt(clock.instant())) {
            return;
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append("key ").append(key(identity, context)).append('\n');
        text.append("sha256 ").append(found.sha256()).append('\n');
        text.append("manifest ").append(found.manifest().map(m -> Base64.getEncoder().encodeToString(m)).orElse("-")).append('\n');
        found.files().forEach((name, sha) -> text.append("file ").append(sha).append(' ')
                .append(Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8))).append('\n'));
        try {
            PrivateFiles.createDirectory(dir);
            PrivateFiles.write(dir.resolve(name(identity, context)), text.toString());
            prune();
        } catch (IOException | RuntimeException e) {
            // The cache is an optimisation: without it the next run checks the bundle in full.
        }
    }

    private static Optional<Found> parse(String text, String expectedKey) {
        List<String> lines = text.lines().toList();
        if (lines.size() < 4 || lines.size() > BundleContents.MAX_ENTRIES + 4 || !lines.get(0).equals(HEADER)
                || !lines.get(1).equals("key " + expectedKey) || !lines.get(2).startsWith("sha256 ") || !lines.get(3).startsWith("manifest ")) {
            return Optional.empty();
        }
        String sha = lines.get(2).substring("sha256 ".length());
        String manifestText = lines.get(3).substring("manifest ".length());
        if (!HEX64.matcher(sha).matches()) {
            return Optional.empty();
        }
        Optional<byte[]> manifest = manifestText.equals("-") ? Optional.empty() : Optional.of(Base64.getDecoder().decode(manifestText));
        if (manifest.isPresent() && manifest.get().length > BundleContents.MAX_MANIFEST) {
            return Optional.empty();
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (String line : lines.subList(4, lines.size())) {
            String[] parts = line.split(" ", -1);
            if (parts.length != 3 || !parts[0].equals("file") || !HEX64.matcher(parts[1]).matches()) {
                return Optional.empty();
            }
            String name = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8);
            if (name.isEmpty() || files.put(name, parts[1]) != null) {
                return Optional.empty();
            }
        }
        return files.isEmpty() ? Optional.empty() : Optional.of(new Found(sha, Map.copyOf(files), manifest));
    }

    /** The newest {@link #KEEP} entries stay: one per bundle file a site has used lately. */
    private void prune() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.digests")) {
            stream.forEach(entries::add);
        }
        if (entries.size() <= KEEP) {
            return;
        }
        entries.sort(Comparator.comparing(BundleDigests::modified).reversed());
        for (Path old : entries.subList(KEEP, entries.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** The identity and what the check depended on besides the file (the expected sha256, the manifest's name). */
    private static String key(Identity identity, String context) {
        return Sha256.hex((identity.toString() + "\n" + context).getBytes(StandardCharsets.UTF_8));
    }

    private static String name(Identity identity, String context) {
        return key(identity, context).substring(0, 32) + ".digests";
    }

    private static int maxEntry() {
        return (BundleContents.MAX_ENTRIES + 8) * 200 + BundleContents.MAX_MANIFEST * 2;
    }
}
