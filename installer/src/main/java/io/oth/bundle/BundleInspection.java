package io.oth.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oth.remote.NodeText;
import io.oth.report.Table;
import io.oth.site.Site;
import io.oth.site.StateDir;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code oth support bundle --inspect}: what a bundle holds, file by file, and the same check
 * against the site's secrets that was made before it was written (it may have been changed since).
 * A bundle is input like any other: read within bounds, refused whole when it is not one.
 */
public record BundleInspection(Path bundle, List<Entry> entries, JsonNode index, List<BundleVerifier.Leak> leaks) {
    static final long MAX_ENTRY = 64L << 20;
    static final long MAX_TOTAL = 4L << 30;
    static final int MAX_ENTRIES = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file of the bundle and its size. */
    public record Entry(String name, long bytes) {
    }

    /** A bundle that cannot be read as one, with why. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    public static BundleInspection inspect(Path bundle, Site site) throws Unreadable, IOException {
        Map<String, byte[]> kept = new LinkedHashMap<>();
        List<Entry> entries = read(bundle, name -> name.endsWith("/index.json") && name.indexOf('/') == name.length() - "/index.json".length(), kept);
        JsonNode index = index(bundle, kept);
        List<BundleVerifier.Leak> leaks = BundleVerifier.verify(bundle, SiteSecrets.of(site, StateDir.of(site.name())));
        return new BundleInspection(bundle, entries, index, leaks);
    }

    public void print(PrintWriter out) {
        out.printf("%s: site %s, made %s by oth %s%n", bundle, NodeText.cell(index.path("site").asText("?"), 64),
                NodeText.cell(index.path("created").asText("?"), 64), NodeText.cell(index.path("oth_version").asText("?"), 64));
        for (JsonNode node : index.path("nodes")) {
            out.printf("  node %-12s %s%n", NodeText.cell(node.path("name").asText("?"), 64), node.path("collected").asBoolean(false) ? "collected"
                    : "MISSING: " + NodeText.cell(node.path("problem").asText("?"), 300));
        }
        Table table = new Table("FILE", "BYTES");
        entries.forEach(e -> table.row(NodeText.cell(e.name(), 200), String.valueOf(e.bytes())));
        table.print(out);
        out.printf("%d files, %d bytes%n", entries.size(), entries.stream().mapToLong(Entry::bytes).sum());
    }

    /** Every file's name and size; the bytes of those {@code keep} names go into {@code kept} (each at most {@link #MAX_ENTRY}). */
    static List<Entry> read(Path bundle, Predicate<String> keep, Map<String, byte[]> kept) throws Unreadable {
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle));
             GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (entries.size() >= MAX_ENTRIES) {
                    throw new Unreadable(bundle + ": more than " + MAX_ENTRIES + " files: not a bundle oth made");
                }
                String name = e.getName();
                if (name.length() > 1024 || name.startsWith("/") || name.contains("..")) {
                    throw new Unreadable(bundle + ": an entry with a name no oth bundle has");
                }
                if (!e.isFile()) {
                    continue;
                }
                total += e.getSize();
                if (e.getSize() > MAX_ENTRY || total > MAX_TOTAL) {
                    throw new Unreadable(bundle + ": larger than any bundle oth makes");
                }
                entries.add(new Entry(name, e.getSize()));
                if (keep.test(name)) {
                    kept.put(name, tar.readNBytes((int) e.getSize()));
                }
            }
        } catch (IOException e) {
            throw new Unreadable(bundle + ": not a complete .tar.gz (" + e.getMessage() + ")");
        }
        return entries;
    }

    static JsonNode index(Path bundle, Map<String, byte[]> kept) throws Unreadable {
        byte[] bytes = kept.entrySet().stream().filter(e -> e.getKey().endsWith("/index.json")).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new Unreadable(bundle + ": no index.json: not a bundle oth made"));
        try {
            JsonNode index = JSON.readTree(bytes);
            if (!SupportBundle.SCHEMA.equals(index.path("schema").asText())) {
                throw new Unreadable(bundle + ": index.json has schema " + index.path("schema").asText("none").replaceAll("[^A-Za-z0-9./-]", "?")
                        + ", this oth reads " + SupportBundle.SCHEMA);
            }
            return index;
        } catch (IOException e) {
            throw new Unreadable(bundle + ": index.json is not JSON");
        }
    }
}
