package io.oth.secret;

import io.oth.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
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

/**
 * The site's passwords and external credentials, in one YAML mapping on the operator's machine
 * ({@code ~/.local/state/oth/SITE/secrets.yml}), name to value: {@code mariadb.app},
 * {@code rabbitmq.app}, {@code rabbitmq.admin}, {@code minio.app.secret}... The file is 0600 and
 * replaced atomically; one that group or others may read is refused. Values leave this class only
 * as {@link Secret}s, and no message of it contains one.
 *
 * <p>Every change re-reads the file under a lock before writing it, so that threads and concurrent
 * oth runs agree on one value per name instead of each generating its own.
 *
 * <p>Beside it, {@code credentials.yml} ({@link CredentialFacts}) keeps when each value was made and
 * which account of each pair the application uses; it is written under the same lock, after the
 * secrets file, so that a crash between the two leaves at worst a time unknown.
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
    private final Clock clock;
    private SortedMap<String, String> values;
    private CredentialFacts facts;

    private Secrets(Path file, SortedMap<String, String> values, CredentialFacts facts, boolean saving, Clock clock) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.values = values;
        this.facts = facts;
        this.saving = saving;
        this.clock = clock;
    }

    /** Reads {@code file}; a file that does not exist yet is empty and is created by the first change. */
    public static Secrets open(Path file) throws SecretsException {
        return open(file, Clock.systemUTC());
    }

    /** Like {@link #open(Path)}; {@code clock} dates what is made or first seen. */
    public static Secrets open(Path file, Clock clock) throws SecretsException {
        return new Secrets(file, load(file), loadFacts(file), true, clock);
    }

    /**
     * Reads {@code file} for a plan ({@code install --check}): what is generated stays in memory,
     * and neither the file nor its lock file is ever written.
     */
    public static Secrets unsaved(Path file) throws SecretsException {
        return unsaved(file, Clock.systemUTC());
    }

    public static Secrets unsaved(Path file, Clock clock) throws SecretsException {
        return new Secrets(file, load(file), loadFacts(file), false, clock);
    }

    public Path file() {
        return file;
    }

    /** The value of {@code name}, generated and saved first when there is none. */
    public synchronized Secret getOrCreate(String name) throws SecretsException {
        return getOrCreate(name, r -> Secret.of(generate()));
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
        return change((current, facts) -> {
            String value = current.get(name);
            if (value == null) {
                value = maker.apply(random).reveal();
                current.put(name, value);
                made(facts, name);
            }
            return value;
        });
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
        change((current, facts) -> {
            if (!value.reveal().equals(current.put(name, value.reveal()))) {
                made(facts, name);
            }
            return value.reveal();
        });
    }

    /** Replaces the value of {@code name} with a new generated password and returns it. */
    public synchronized Secret rotate(String name) throws SecretsException {
        checkName(name);
        String fresh = generate();
        return change((current, facts) -> {
            current.put(name, fresh);
            made(facts, name);
            return fresh;
        });
    }

    /** How old a credential is, and whether that is since it was made or only since oth first saw it. */
    public record Age(Instant since, boolean known) {
    }

    /** When the value of {@code name} was made (or first seen); empty when oth has no time for it. */
    public synchronized Optional<Age> age(String name) {
        String created = facts.created().get(checkName(name));
        if (created != null) {
            return Optional.of(new Age(Instant.parse(created), true));
        }
        return Optional.ofNullable(facts.firstSeen().get(name)).map(t -> new Age(Instant.parse(t), false));
    }

    /**
     * Gives every value that has no time the time of now as {@code first_seen}: values made before oth
     * recorded times count from the first run that saw them. Names that changed nothing are not written.
     */
    public synchronized void noteFirstSight() throws SecretsException {
        if (values.keySet().stream().allMatch(n -> facts.created().containsKey(n) || facts.firstSeen().containsKey(n))) {
            return;
        }
        change((current, facts) -> {
            String now = CredentialFacts.time(clock.instant());
            current.keySet().stream().filter(n -> !facts.created().containsKey(n)).forEach(n -> facts.firstSeen().putIfAbsent(n, now));
            return "";
        });
    }

    /** The account of {@code service}'s pair that the application uses, when a rotation ever chose one. */
    public synchronized Optional<String> active(String service) {
        return Optional.ofNullable(facts.active().get(checkName(service)));
    }

    /** The account a rotation of {@code service} that has not finished is moving the application to. */
    public synchronized Optional<String> rotating(String service) {
        return Optional.ofNullable(facts.rotating().get(checkName(service)));
    }

    /**
     * Starts (or resumes) moving {@code service} to {@code account}, whose password is {@code secretName}:
     * a fresh value for it and the rotation recorded, in one change under the lock. A rotation to the
     * same account that has begun already keeps the value it made, so that a run killed halfway resumes.
     */
    public synchronized Secret beginRotation(String service, String account, String secretName) throws SecretsException {
        checkName(service);
        checkName(secretName);
        String fresh = generate();
        return change((current, facts) -> {
            if (account.equals(facts.rotating().get(service)) && current.containsKey(secretName)) {
                return current.get(secretName);
            }
            current.put(secretName, fresh);
            made(facts, secretName);
            facts.rotating().put(service, account);
            return fresh;
        });
    }

    /** The rotation of {@code service} is done: the account it moved to is the active one. */
    public synchronized void finishRotation(String service) throws SecretsException {
        checkName(service);
        change((current, facts) -> {
            String account = facts.rotating().remove(service);
            if (account != null) {
                facts.active().put(service, account);
            }
            return "";
        });
    }

    private void made(CredentialFacts facts, String name) {
        facts.created().put(name, CredentialFacts.time(clock.instant()));
        facts.firstSeen().remove(name);
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
        String apply(SortedMap<String, String> current, CredentialFacts facts);
    }

    /**
     * Re-reads the file under the lock, applies {@code edit}, writes the file; returns the edit's
     * value. {@link #unsaved} secrets apply it in memory only.
     */
    private Secret change(Edit edit) throws SecretsException {
        if (!saving) {
            SortedMap<String, String> current = new TreeMap<>(values);
            CredentialFacts known = facts.copy();
            String result = edit.apply(current, known);
            values = current;
            facts = known;
            return Secret.of(result);
        }
        try {
            String value = PrivateFiles.underLock(lockFile, () -> {
                SortedMap<String, String> current = loadOrIo(file);
                CredentialFacts known = CredentialFacts.load(CredentialFacts.fileOf(file));
                SortedMap<String, String> before = new TreeMap<>(current);
                CredentialFacts factsBefore = known.copy();
                String result = edit.apply(current, known);
                if (!current.equals(before)) {
                    PrivateFiles.write(file, render(current));
                }
                if (!known.equals(factsBefore)) {
                    PrivateFiles.write(CredentialFacts.fileOf(file), known.render());
                }
                values = current;
                facts = known;
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

    private static CredentialFacts loadFacts(Path file) throws SecretsException {
        try {
            return CredentialFacts.load(CredentialFacts.fileOf(file));
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
        Object loaded = PrivateFiles.readYaml(file);
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
