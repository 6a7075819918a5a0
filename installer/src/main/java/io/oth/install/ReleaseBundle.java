package io.oth.install;

import io.oth.input.BoundedYaml;
import io.oth.remote.NodeText;
import io.oth.site.Site;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The OTH application release bundle, checked on the operator's side before anything is uploaded:
 * a .tar.gz with {@code manifest.yml} (name, version, entry, sha256, port, health, and optionally
 * java_options) and the entry file whose checksum the manifest names, with the bundle's own checksum
 * file beside it ({@link BundleContents}: the whole bundle's sha256, which the node checks again
 * before unpacking).
 *
 * @param javaOptions the JVM's options the release asks for (its vendor knows its heap and
 *                    compilers), {@link #DEFAULT_JAVA_OPTIONS} when the manifest names none
 */
public record ReleaseBundle(BundleContents contents, String name, String version, String entry, int port, String health,
                            List<String> javaOptions) {
    public static final String MANIFEST = "manifest.yml";
    /** The JVM's options of a release whose manifest names none. */
    public static final List<String> DEFAULT_JAVA_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms32m", "-Xmx256m");
    /**
     * One JVM option as a manifest may name it: a flag of the JVM's own ({@code -XX:}, {@code -X},
     * {@code -D}, {@code -ea}...), written into the init script and the systemd unit as one word, so
     * nothing a shell or systemd reads specially (blanks, quotes, {@code $}, {@code %}, globs, {@code ;}).
     * What the options can do, the release's own code can do too: it runs as the same user.
     */
    private static final Pattern JAVA_OPTION = Pattern.compile("-[A-Za-z][A-Za-z0-9:+=._/,@-]{0,127}");
    private static final int MAX_JAVA_OPTIONS = 32;
    /**
     * The header oth's own health checks send (the install's last check, an upgrade's and a
     * rotation's): they follow a change oth made, so they ask for no cached answer. An application
     * that keeps its connections between checks (the sample application does; haproxy's checks
     * every 2 s use them) makes new ones for such a request, which is what proves that a changed
     * firewall or password lets it in.
     */
    public static final String NO_CACHE = "Cache-Control: no-cache";
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The release the site file names in {@code application.release}, read and checked. */
    public static ReleaseBundle ofSite(Site site) throws BundleException {
        return read(site.application().release().orElseThrow(() ->
                new BundleException(site.file() + ": application.release: missing (the OTH application release bundle)")));
    }

    public static ReleaseBundle read(Path file) throws BundleException {
        return read(file, BundleContents.Limits.DEFAULT);
    }

    static ReleaseBundle read(Path file, BundleContents.Limits limits) throws BundleException {
        return of(BundleContents.read(file, Optional.of(MANIFEST), limits));
    }

    /** A release whose bundle passed {@link BundleContents}' checks: its manifest read and its entry checked against it. */
    public static ReleaseBundle of(BundleContents contents) throws BundleException {
        Path file = contents.file();
        byte[] manifestBytes = contents.manifest().orElseThrow(() -> new BundleException(file + ": no " + MANIFEST
                + " at the top of the bundle (found: " + String.join(", ", new TreeSet<>(contents.files().keySet())) + ")"));
        Map<?, ?> manifest;
        try {
            Object loaded = BoundedYaml.load(new String(manifestBytes, StandardCharsets.UTF_8),
                    BoundedYaml.settings(file + "!" + MANIFEST, new JsonSchema()).build());
            if (!(loaded instanceof Map<?, ?> m)) {
                throw new BundleException(file + "!" + MANIFEST + ": expected a mapping");
            }
            manifest = m;
        } catch (YamlEngineException e) {
            throw new BundleException(file + "!" + MANIFEST + ": " + e.getMessage());
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
            throw new BundleException(file + "!" + MANIFEST + ": port: not a number");
        }
        String entrySum = contents.files().get(entry);
        if (entrySum == null) {
            throw new BundleException(file + ": the manifest's entry " + entry + " is not in the bundle");
        }
        if (!entrySum.equals(sum)) {
            throw new BundleException(file + ": " + entry + " has sha256 " + entrySum + ", the manifest says " + sum
                    + " (a damaged or altered bundle)");
        }
        return new ReleaseBundle(contents, name, version, entry, port, health, javaOptions(file, manifest.get("java_options")));
    }

    private static List<String> javaOptions(Path file, Object value) throws BundleException {
        if (value == null) {
            return DEFAULT_JAVA_OPTIONS;
        }
        String where = file + "!" + MANIFEST + ": java_options";
        if (!(value instanceof List<?> options) || options.size() > MAX_JAVA_OPTIONS) {
            throw new BundleException(where + ": expected a list of at most " + MAX_JAVA_OPTIONS + " JVM options");
        }
        List<String> checked = new ArrayList<>();
        for (Object option : options) {
            String text = String.valueOf(option);
            if (!(option instanceof String) || !JAVA_OPTION.matcher(text).matches()) {
                throw new BundleException(where + ": \"" + NodeText.shown(text) + "\" is not a JVM option oth will write (expected "
                        + JAVA_OPTION.pattern() + ")");
            }
            checked.add(text);
        }
        return List.copyOf(checked);
    }

    public Path file() {
        return contents.file();
    }

    /** The bundle as uploaded: {@link BundleContents#bytes()}. */
    public byte[] bytes() throws BundleException {
        return contents.bytes();
    }

    /** The bundle as a file op uploads it: read only if it is. */
    public io.oth.op.Blob blob() {
        return contents.blob();
    }

    /** The whole bundle's sha256, checked by the node before it unpacks. */
    public String sha256() {
        return contents.sha256();
    }

    private static String field(Path file, Map<?, ?> manifest, String key, Pattern valid) throws BundleException {
        Object value = manifest.get(key);
        if (value == null) {
            throw new BundleException(file + "!" + MANIFEST + ": " + key + ": missing");
        }
        String text = String.valueOf(value);
        if (!valid.matcher(text).matches()) {
            throw new BundleException(file + "!" + MANIFEST + ": " + key + ": \"" + text + "\" is not valid (expected " + valid.pattern() + ")");
        }
        return text;
    }

    /** A bundle oth will not install; the message names the file and what is wrong. */
    public static final class BundleException extends Exception {
        public BundleException(String message) {
            super(message);
        }
    }
}
