package io.oth.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Reads typed values out of {@code app.properties}; every error names the file and the key. */
final class ConfigReader {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;
    private final Properties properties;

    private ConfigReader(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    /** Loads {@code file} and refuses any key outside {@code knownKeys}. */
    static ConfigReader read(Path file, Set<String> knownKeys) throws ConfigException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot read: " + e);
        }
        ConfigReader config = new ConfigReader(file, properties);
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!knownKeys.contains(key)) {
                String hint = key.endsWith("password") || key.endsWith("secret_key")
                        ? "secrets go in a file named by " + key + "_file"
                        : "known: " + String.join(", ", new TreeSet<>(knownKeys));
                throw config.error(key, "unknown key (" + hint + ")");
            }
        }
        return config;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(file + ": " + key + ": " + problem);
    }

    /** Whether any key of the section ({@code database.} ...) is set: a section is all or nothing. */
    boolean hasSection(String prefix) {
        return properties.stringPropertyNames().stream().anyMatch(key -> key.startsWith(prefix));
    }

    /** The stripped value; absent or blank gives {@code fallback}. */
    String text(String key, String fallback) {
        String value = properties.getProperty(key, "").strip();
        return value.isEmpty() ? fallback : value;
    }

    /** The stripped value; absent gives {@code fallback}, present but blank is an error. */
    String nonEmpty(String key, String fallback) throws ConfigException {
        return properties.getProperty(key) == null ? fallback : required(key);
    }

    String required(String key) throws ConfigException {
        String value = properties.getProperty(key);
        if (value == null) {
            String section = key.substring(0, key.indexOf('.') + 1);
            throw error(key, "missing (needed once any " + section + "* key is set)");
        }
        if (value.isBlank()) {
            throw error(key, "must not be empty");
        }
        return value.strip();
    }

    int integer(String key, int fallback, int min, int max, String what) throws ConfigException {
        String value = text(key, String.valueOf(fallback));
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            number = min - 1;
        }
        if (number < min || number > max) {
            throw error(key, "\"" + value + "\" is not " + what + " (" + min + "-" + max + ")");
        }
        return number;
    }

    int port(String key, int fallback) throws ConfigException {
        return integer(key, fallback, 1, 65535, "a port number");
    }

    /** An http or https URL naming a server only, like {@code https://s3-1:9000}. */
    URI serverUrl(String key) throws ConfigException {
        String value = required(key);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
                || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw error(key, "\"" + value + "\" is not a server URL like https://host:9000");
        }
        return uri;
    }

    /**
     * The content of the file that {@code key} names, without its trailing line break. The file must
     * be closed to group and others (0600 or 0400): a password readable by others is refused.
     */
    Secret secretFile(String key) throws ConfigException {
        Path path = path(key);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            throw error(key, path + ": " + describe(e));
        }
        if (!attributes.isRegularFile()) {
            throw error(key, path + ": not a regular file");
        }
        Set<PosixFilePermission> open = new TreeSet<>(attributes.permissions());
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw error(key, path + ": mode " + mode(attributes.permissions())
                    + " lets group or others in; it must be 0600 or 0400 (chmod 600 " + path + ")");
        }
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw error(key, path + ": " + describe(e));
        }
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            throw error(key, path + ": is empty");
        }
        return new Secret(content.substring(0, end));
    }

    CaFile caFile(String key) throws ConfigException {
        Path path = path(key);
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(path)) {
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (IOException e) {
            throw error(key, path + ": " + describe(e));
        } catch (CertificateException e) {
            throw error(key, path + ": not a PEM file of certificates (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw error(key, path + ": holds no PEM certificate");
        }
        return new CaFile(path, certificates);
    }

    Optional<CaFile> optionalCaFile(String key) throws ConfigException {
        return properties.getProperty(key, "").isBlank() ? Optional.empty() : Optional.of(caFile(key));
    }

    /** A file named by {@code key}; a relative path is taken from the directory of {@code app.properties}. */
    private Path path(String key) throws ConfigException {
        Path directory = file.toAbsolutePath().getParent();
        return directory.resolve(required(key)).normalize();
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof UnsupportedOperationException) {
            return "cannot read its permissions (not a POSIX file system)";
        }
        return "cannot read (" + e.getClass().getSimpleName() + ")";
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal();
        }
        return String.format("%04o", mode);
    }
}
