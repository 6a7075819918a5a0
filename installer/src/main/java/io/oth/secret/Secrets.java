package io.oth.secret;

import io.oth.input.BoundedYaml;
import io.oth.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * The site's passwords and external credentials, in one YAML mapping on the operator's machine
 * ({@code ~/.local/state/oth/SITE/secrets.yml}), name to value: {@code mariadb.app},
 * {@code rabbitmq.app}, {@code rabbitmq.admin}, {@code minio.app.secret}... The file is 0600 and
 * replaced atomically; one that group or others may read is refused. Values leave this class only
 * as {@link Secret}s, and no message of it contains one.
 *
 * <p>Every change re-reads the file under a lock before writing it, so that threads and concurrent
 * oth runs agree on one value per name instead of each generating its own.
 */
public final class Secrets {
    /** Generated passwords: letters and digits only, so that no shell, SQL or URL quoting can break them. */
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** 32 characters of 62: about 190 bits. */
    static final int LENGTH = 32;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String HEADER = "# oth: this site's passwords and credentials. Keep this file 0600; never commit or share it.\n";

    private final Path file;
    private final Path lockFile;
    private final boolean saving;
    private final SecureRandom random = new SecureRandom();
    private SortedMap<String, String> values;

    private Secrets(Path file, SortedMap<String, String> values, boolean saving) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.values = values;
        this.saving = saving;
    }

    /** Reads {@code file}; a file that does not exist yet is empty and is created by the first change. */
    public static Secrets open(Path file) throws SecretsException {
        return new Secrets(file, load(file), true);
    }

    /**
     * Reads {@code file} for a plan ({@code install --check}): what is generated stays in memory,
     * and neither the file nor its lock file is ever written.
     */
    public static Secrets unsaved(Path file) throws SecretsException {
        return new Secrets(file, load(file), false);
    }

    public Path file() {
        return file;
    }

    /** The value of {@code name}, generated and saved first when there is none. */
    public synchronized Secret getOrCreate(String name) throws SecretsException {
        String known = values.get(checkName(name));
        if (known != null) {
            return Secret.of(known);
        }
        return change(current -> current.computeIfAbsent(name, n -> generate()));
    }

    /**
     * The value of {@code name}, made by {@code maker} from this file's random source and saved first
     * when there is none: for secrets that are keys of a format, not passwords (the backup key).
     */
    public synchronized Secret getOrCreate(String name, Function<SecureRandom, Secret> maker) throws SecretsException {
        String known = values.get(checkName(name));
        if (known != null) {
            return Secret.of(known);
        }
        return change(current -> current.computeIfAbsent(name, n -> maker.apply(random).reveal()));
    }

    public synchronized Optional<Secret> get(String name) {
        return Optional.ofNullable(values.get(checkName(name))).map(Secret::of);
    }

    /** Saves a credential the operator was given (for an external database or object store). */
    public synchronized void put(String name, Secret value) throws SecretsException {
        checkName(name);
        if (value.reveal().isEmpty()) {
            throw new IllegalArgumentException("the value of " + name + " is empty");
        }
        change(current -> {
            current.put(name, value.reveal());
            return value.reveal();
        });
    }

    /** Replaces the value of {@code name} with a new generated password and returns it. */
    public synchronized Secret rotate(String name) throws SecretsException {
        checkName(name);
        String fresh = generate();
        return change(current -> {
            current.put(name, fresh);
            return fresh;
        });
    }

    /** The names held, sorted; never the values. */
    public synchronized Set<String> names() {
        return Set.copyOf(values.keySet());
    }

    @Override
    public synchronized String toString() {
        return "Secrets[" + file + ", names=" + values.keySet() + "]";
    }

    private interface Edit {
        String apply(SortedMap<String, String> current);
    }

    /**
     * Re-reads the file under the lock, applies {@code edit}, writes the file; returns the edit's
     * value. {@link #unsaved} secrets apply it in memory only.
     */
    private Secret change(Edit edit) throws SecretsException {
        if (!saving) {
            SortedMap<String, String> current = new TreeMap<>(values);
            String result = edit.apply(current);
            values = current;
            return Secret.of(result);
        }
        try {
            String value = PrivateFiles.underLock(lockFile, () -> {
                SortedMap<String, String> current = loadOrIo(file);
                SortedMap<String, String> before = new TreeMap<>(current);
                String result = edit.apply(current);
                if (!current.equals(before)) {
                    PrivateFiles.write(file, render(current));
                }
                values = current;
                return result;
            });
            return Secret.of(value);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private String generate() {
        char[] password = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(password);
    }

    private static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a secret name (expected lowercase letters, digits, '.', '_' or '-', like mariadb.app)");
        }
        return name;
    }

    private static SortedMap<String, String> load(Path file) throws SecretsException {
        try {
            return loadOrIo(file);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private static SecretsException failure(IOException e) {
        return new SecretsException(e.getMessage(), e);
    }

    /** Parse errors name the file, line and column but never quote the text: it holds passwords. */
    private static SortedMap<String, String> loadOrIo(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        String text = PrivateFiles.read(file);
        Object loaded;
        try {
            // The failsafe schema keeps every value a string as written: 0123 stays "0123", not 123.
            loaded = BoundedYaml.load(text, BoundedYaml.settings(file.toString(), new FailsafeSchema()).setAllowDuplicateKeys(false).build());
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("");
            throw new IOException(file + where + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new IOException(file + ": not valid YAML");
        }
        SortedMap<String, String> values = new TreeMap<>();
        if (loaded == null) {
            return values;
        }
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new IOException(file + ": expected a mapping of secret names to values");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!NAME.matcher(name).matches()) {
                throw new IOException(file + ": \"" + name + "\" is not a secret name (expected lowercase letters, digits, '.', '_' or '-')");
            }
            if (!(entry.getValue() instanceof String value) || value.isEmpty()) {
                throw new IOException(file + ": the value of " + name + " is not a non-empty string");
            }
            values.put(name, value);
        }
        return values;
    }

    private static String render(SortedMap<String, String> values) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSplitLines(false).build();
        return HEADER + (values.isEmpty() ? "{}\n" : new Dump(settings).dumpToString(values));
    }
}
