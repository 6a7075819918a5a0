package io.oth.bundle;

import io.oth.install.BundleContents;
import io.oth.bundle.LeakSearch.Needle;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The last check of a support bundle on the operator's side, after the nodes redacted it: every
 * secret oth holds for the site is looked for, in each of its {@link SecretForms}, in every line of
 * every file of the finished archive, in the entries' names, and (as plain text) in the compressed
 * bytes themselves, which a gzip header or a stored block can carry. Any PEM private key header is
 * a leak too, known key or not. A bundle with a leak is not to be written; what is reported names
 * the file, the line and the secret's name and form, never a value.
 *
 * <p>Files are streamed entry by entry and line by line. A line longer than {@link #MAX_LINE} bytes
 * is scanned in pieces that overlap by the longest form, so that no form is missed at a border.
 */
public final class BundleVerifier {
    /** The name a leak gets when it is a private key header rather than a secret oth holds. */
    public static final String PEM_PRIVATE_KEY = "a PEM private key";
    static final int MAX_LINE = 1 << 20;
    private static final int BLOCK = 1 << 16;

    /**
     * A secret found in a bundle. {@code line} counts from 1; it is 0 for what is not in a line of
     * a file (an entry's name, the compressed bytes), and is then left out when printed.
     */
    public record Leak(String file, long line, String secretName, String form) {
        @Override
        public String toString() {
            String what = secretName.equals(PEM_PRIVATE_KEY) ? secretName : "the secret " + secretName;
            return file + (line > 0 ? ":" + line : "") + ": " + what + " (as " + form + ")";
        }
    }

    private final LeakSearch content;
    private final LeakSearch plain;
    private final byte[] line;
    private final List<Leak> leaks = new ArrayList<>();

    private BundleVerifier(Map<String, String> secrets) {
        List<Needle> all = new ArrayList<>();
        List<Needle> plainOnly = new ArrayList<>();
        secrets.forEach((name, value) -> {
            for (SecretForms.Form form : SecretForms.of(value)) {
                Needle needle = new Needle(form.text().getBytes(StandardCharsets.UTF_8), name, form.name(), false);
                all.add(needle);
                if (form.name().equals("plain")) {
                    plainOnly.add(needle);
                }
            }
        });
        content = new LeakSearch(all);
        plain = new LeakSearch(plainOnly);
        line = new byte[MAX_LINE];
    }

    /** The leaks of {@code secrets} (name to value) in the .tar.gz {@code tarGz}; empty when it is clean. */
    public static List<Leak> verify(Path tarGz, Map<String, String> secrets) throws IOException {
        BundleVerifier verifier = new BundleVerifier(secrets);
        String archive = BundleContents.printable(tarGz.getFileName().toString());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tarGz), BLOCK);
             GzipCompressorInputStream gzip = new GzipCompressorInputStream(in, true);
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            int number = 0;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                number++;
                String file = verifier.entryName(entry, number);
                if (entry.isFile()) {
                    verifier.scanLines(tar, file);
                }
            }
        }
        try (InputStream in = Files.newInputStream(tarGz)) {
            verifier.scanRaw(in, archive + " (compressed)");
        }
        return List.copyOf(verifier.leaks);
    }

    /** The leaks of {@code secrets} in the regular files under {@code dir} (links not followed), before it is archived. */
    public static List<Leak> verifyDirectory(Path dir, Map<String, String> secrets) throws IOException {
        BundleVerifier verifier = new BundleVerifier(secrets);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path file : files) {
            String name = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                verifier.scanLines(in, BundleContents.printable(name));
            }
        }
        return List.copyOf(verifier.leaks);
    }

    /**
     * How a file is named in the leaks: its name in the archive, or, when the name or link target
     * itself holds a secret (reported as such), its number, so that no report repeats the secret.
     */
    private String entryName(TarArchiveEntry entry, int number) {
        byte[] header = (entry.getName() + "\n" + entry.getLinkName()).getBytes(StandardCharsets.UTF_8);
        Map<String, Needle> found = new LinkedHashMap<>();
        content.search(header, 0, header.length, needle -> keepLongest(found, needle));
        if (found.isEmpty()) {
            return BundleContents.printable(entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName());
        }
        String file = "entry " + number;
        report(found, file + " (its name)", 0);
        return file;
    }

    private void scanLines(InputStream in, String file) throws IOException {
        byte[] block = new byte[BLOCK];
        Map<String, Needle> found = new LinkedHashMap<>();
        int overlap = content.longest() - 1;
        long number = 1;
        int length = 0;
        int n;
        while ((n = in.read(block)) > 0) {
            for (int i = 0; i < n; i++) {
                if (block[i] == '\n') {
                    content.search(line, 0, length, needle -> keepLongest(found, needle));
                    report(found, file, number++);
                    length = 0;
                    continue;
                }
                if (length == line.length) {
                    content.search(line, 0, length, needle -> keepLongest(found, needle));
                    System.arraycopy(line, length - overlap, line, 0, overlap);
                    length = overlap;
                }
                line[length++] = block[i];
            }
        }
        content.search(line, 0, length, needle -> keepLongest(found, needle));
        report(found, file, number);
    }

    /** The compressed bytes, for plain forms only: compressed text shows no other. */
    private void scanRaw(InputStream in, String file) throws IOException {
        Map<String, Needle> found = new LinkedHashMap<>();
        int overlap = plain.longest() - 1;
        byte[] buffer = new byte[MAX_LINE];
        int length = 0;
        int n;
        while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
            length += n;
            if (length == buffer.length) {
                plain.search(buffer, 0, length, needle -> keepLongest(found, needle));
                System.arraycopy(buffer, length - overlap, buffer, 0, overlap);
                length = overlap;
            }
        }
        plain.search(buffer, 0, length, needle -> keepLongest(found, needle));
        report(found, file, 0);
    }

    /** One leak per secret and place: the longest of its forms found there (base64 rather than base64 without padding). */
    private static void keepLongest(Map<String, Needle> found, Needle needle) {
        found.merge(needle.secretName(), needle, (a, b) -> b.bytes().length > a.bytes().length ? b : a);
    }

    private void report(Map<String, Needle> found, String file, long number) {
        found.values().forEach(needle -> leaks.add(new Leak(file, number, needle.secretName(), needle.form())));
        found.clear();
    }
}
