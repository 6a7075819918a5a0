package io.oth.wizard;

import io.oth.secret.Secret;
import io.oth.secret.ExternalSecret;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answers given so far, by question key ({@code fqdn}, {@code bastion.address}, ...), each with
 * its text as given (shown as the current value when a question comes back) and its checked value.
 * Nodes are answered one at a time into {@link #pending} and then added to {@link #nodes}.
 * Secrets are kept apart: they are never shown, and never go into the site file.
 */
public final class Draft {
    /** An answered question: the text as given and the value the check made of it. */
    public record Answer(String text, Object value) {
    }

    private final Path baseDir;
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    private final List<Map<String, Answer>> nodes = new ArrayList<>();
    private final Map<ExternalSecret, Secret> secrets = new EnumMap<>(ExternalSecret.class);
    private Map<String, Answer> pending = new LinkedHashMap<>();
    /** The hosts the wizard could not use when it connected (a key not trusted, no answer), by name; empty when it did not connect. */
    private Optional<Map<String, String>> unusableHosts = Optional.empty();

    /** {@code baseDir}: what relative paths in the answers are relative to. */
    public Draft(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    public Path baseDir() {
        return baseDir;
    }

    void put(String key, String text, Object value) {
        if (key.startsWith(Questions.NODE_PREFIX)) {
            pending.put(key, new Answer(text, value));
        } else {
            answers.put(key, new Answer(text, value));
        }
    }

    /** An answer known before the questions start (a command-line option): it is offered as the current value. */
    public void prefill(String key, String text, Object value) {
        put(key, text, value);
    }

    public Optional<Answer> answer(String key) {
        return Optional.ofNullable(key.startsWith(Questions.NODE_PREFIX) ? pending.get(key) : answers.get(key));
    }

    public Optional<String> text(String key) {
        return answer(key).map(Answer::text);
    }

    /** The checked value of {@code key}; empty when it was not asked or left empty. */
    public <T> Optional<T> value(String key, Class<T> type) {
        return answer(key).map(Answer::value).filter(type::isInstance).map(type::cast);
    }

    public String string(String key) {
        return value(key, String.class).orElse("");
    }

    public boolean is(String key, String text) {
        return text(key).filter(text::equals).isPresent();
    }

    /** The node answered so far into {@link #pending} joins the list; a new one starts. */
    void addPending() {
        nodes.add(pending);
        pending = new LinkedHashMap<>();
    }

    void discardPending() {
        pending = new LinkedHashMap<>();
    }

    boolean removeNode(String name) {
        return nodes.removeIf(n -> name.equals(n.get(Questions.NODE_NAME).text()));
    }

    /** The nodes, each as its answers by key ({@code nodes[].name}, ...). */
    public List<Map<String, Answer>> nodes() {
        return List.copyOf(nodes);
    }

    public String nodeText(Map<String, Answer> node, String key) {
        return Optional.ofNullable(node.get(key)).map(Answer::text).orElse("");
    }

    void putSecret(ExternalSecret name, Secret value) {
        secrets.put(name, value);
    }

    public Map<ExternalSecret, Secret> secrets() {
        return Map.copyOf(secrets);
    }

    /** What connecting to check the host keys found: each host that cannot be used yet, with why. */
    void connected(List<Connector.Result> results) {
        Map<String, String> unusable = new LinkedHashMap<>();
        results.forEach(r -> r.problem().ifPresent(p -> unusable.put(r.host(), p)));
        unusableHosts = Optional.of(unusable);
    }

    /** The hosts that cannot be used yet, by name; empty when the host keys were not checked. */
    Optional<Map<String, String>> unusableHosts() {
        return unusableHosts.map(java.util.Collections::unmodifiableMap);
    }

    /** {@code ~/} is the home directory; anything else relative is relative to {@link #baseDir}. */
    public Path resolve(String text) {
        if (text.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(text.substring(2)).normalize();
        }
        return baseDir.resolve(text).normalize();
    }
}
