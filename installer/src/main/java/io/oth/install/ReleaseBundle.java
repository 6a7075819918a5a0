package io.oth.install;

import io.oth.op.FileOp;
import io.oth.site.Site;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The OTH application release bundle, checked on the operator's side before anything is uploaded:
 * a .tar.gz with {@code manifest.yml} (name, version, entry, sha256, port, health) and the entry
 * file whose checksum the manifest names.
 */
public record ReleaseBundle(Path file, byte[] bytes, String sha256, String name, String version, String entry, int port, String health) {
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The release the site file names in {@code application.release}, read and checked. */
    public static ReleaseBundle ofSite(Site site) throws BundleException {
        return read(site.application().release().orElseThrow(() ->
                new BundleException(site.file() + ": application.release: missing (the OTH application release bundle)")));
    }

    public static ReleaseBundle read(Path file) throws BundleException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read: " + e.getMessage());
        }
        byte[] manifestBytes = entries(file, bytes, Set.of("manifest.yml")).get("manifest.yml");
        if (manifestBytes == null) {
            throw new BundleException(file + ": no manifest.yml at the top of the bundle (found: "
                    + String.join(", ", entries(file, bytes, Set.of()).keySet()) + ")");
        }
        Map<?, ?> manifest;
        try {
            Object loaded = new Load(LoadSettings.builder().setLabel(file + "!manifest.yml").build())
                    .loadFromString(new String(manifestBytes, StandardCharsets.UTF_8));
            if (!(loaded instanceof Map<?, ?> m)) {
                throw new BundleException(file + "!manifest.yml: expected a mapping");
            }
            manifest = m;
        } catch (YamlEngineException e) {
            throw new BundleException(file + "!manifest.yml: " + e.getMessage());
        }
        String name = field(file, manifest, "name", FILE_NAME);
        String version = field(file, manifest, "version", VERSION);
        String entry = field(file, manifest, "entry", FILE_NAME);
        String sum = field(file, manifest, "sha256", Pattern.compile("[0-9a-f]{64}"));
        String health = field(file, manifest, "health", Pattern.compile("/[A-Za-z0-9/._-]*"));
        int port;
        try {
            port = Integer.parseInt(field(file, manifest, "port", Pattern.compile("[0-9]{1,5}")));
        } catch (NumberFormatException e) {
            throw new BundleException(file + "!manifest.yml: port: not a number");
        }
        byte[] entryBytes = entries(file, bytes, Set.of(entry)).get(entry);
        if (entryBytes == null) {
            throw new BundleException(file + ": the manifest's entry " + entry + " is not in the bundle");
        }
        if (!FileOp.sha256(entryBytes).equals(sum)) {
            throw new BundleException(file + ": " + entry + " has sha256 " + FileOp.sha256(entryBytes) + ", the manifest says " + sum
                    + " (a damaged or altered bundle)");
        }
        return new ReleaseBundle(file, bytes, FileOp.sha256(bytes), name, version, entry, port, health);
    }

    private static String field(Path file, Map<?, ?> manifest, String key, Pattern valid) throws BundleException {
        Object value = manifest.get(key);
        if (value == null) {
            throw new BundleException(file + "!manifest.yml: " + key + ": missing");
        }
        String text = String.valueOf(value);
        if (!valid.matcher(text).matches()) {
            throw new BundleException(file + "!manifest.yml: " + key + ": \"" + text + "\" is not valid (expected " + valid.pattern() + ")");
        }
        return text;
    }

    /** Whether the .tar.gz has a top-level regular file {@code name}; stops reading as soon as it is found. */
    static boolean contains(Path file, byte[] bytes, String name) throws BundleException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile() && (e.getName().equals(name) || e.getName().equals("./" + name))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new BundleException(file + ": not a readable .tar.gz: " + e.getMessage());
        }
    }

    /** The top-level regular files of a .tar.gz, by name, with the contents of those {@code wanted} names (others map to empty). */
    static Map<String, byte[]> entries(Path file, byte[] bytes, Set<String> wanted) throws BundleException {
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (e.isFile() && !name.contains("/")) {
                    files.put(name, wanted.contains(name) ? tar.readAllBytes() : new byte[0]);
                }
            }
        } catch (IOException e) {
            throw new BundleException(file + ": not a readable .tar.gz: " + e.getMessage());
        }
        return files;
    }

    /** A bundle oth will not install; the message names the file and what is wrong. */
    public static final class BundleException extends Exception {
        public BundleException(String message) {
            super(message);
        }
    }
}
