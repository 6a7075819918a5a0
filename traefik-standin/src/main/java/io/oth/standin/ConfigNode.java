package io.oth.standin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * One value of a YAML configuration file together with its file and key path, so that every
 * refusal can say exactly where it is ({@code FILE: http.routers.app.rule: message}).
 */
final class ConfigNode {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private final Path file;
    private final String path;
    private final Object value;
    private final boolean present;

    private ConfigNode(Path file, String path, Object value, boolean present) {
        this.file = file;
        this.path = path;
        this.value = value;
        this.present = present;
    }

    static ConfigNode load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e);
        }
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setAllowDuplicateKeys(false).build();
        try {
            Object root = new Load(settings).loadFromString(text);
            return new ConfigNode(file, "", root == null ? Map.of() : root, true);
        } catch (YamlEngineException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    Path file() {
        return file;
    }

    /** Whether the key was written at all, even with an empty value ({@code accessLog:}). */
    boolean present() {
        return present;
    }

    ConfigNode get(String key) throws ConfigException {
        Map<String, Object> map = map();
        return new ConfigNode(file, join(key), map.get(key), map.containsKey(key));
    }

    /** Refuses any key of this mapping that is not one of {@code keys}. */
    ConfigNode allow(String... keys) throws ConfigException {
        Set<String> allowed = Set.of(keys);
        for (String key : map().keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(file + ": " + join(key) + ": not honoured by the traefik stand-in"
                        + (keys.length == 0 ? "" : " (it honours " + String.join(", ", keys) + " here)"));
            }
        }
        return this;
    }

    /** The entries of a mapping whose keys are names chosen by the user: routers, services, ... */
    Map<String, ConfigNode> entries() throws ConfigException {
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : map().entrySet()) {
            entries.put(entry.getKey(), new ConfigNode(file, join(entry.getKey()), entry.getValue(), true));
        }
        return entries;
    }

    List<ConfigNode> list() throws ConfigException {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw error("expected a list");
        }
        List<ConfigNode> nodes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            nodes.add(new ConfigNode(file, path + "[" + i + "]", items.get(i), true));
        }
        return nodes;
    }

    String string() throws ConfigException {
        if (value == null) {
            throw error("required");
        }
        if (!(value instanceof String text)) {
            throw error("expected a string, got " + value);
        }
        return text;
    }

    String string(String fallback) throws ConfigException {
        return value == null ? fallback : string();
    }

    /** A mapping of strings to strings; an empty value ({@code X-Foo: ""} or {@code X-Foo:}) is "". */
    Map<String, String> stringMap() throws ConfigException {
        Map<String, String> strings = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> entry : entries().entrySet()) {
            strings.put(entry.getKey(), entry.getValue().string(""));
        }
        return strings;
    }

    boolean bool(boolean fallback) throws ConfigException {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw error("expected true or false, got " + value);
        }
        return flag;
    }

    int integer(int fallback) throws ConfigException {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer number)) {
            throw error("expected an integer, got " + value);
        }
        return number;
    }

    /** A traefik duration: a number of seconds, or Go syntax such as "10s", "500ms", "1m30s". */
    Duration duration(Duration fallback) throws ConfigException {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer seconds) {
            return Duration.ofSeconds(seconds);
        }
        String text = string();
        Matcher part = DURATION_PART.matcher(text);
        double millis = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            double amount = Double.parseDouble(part.group(1));
            millis += amount * switch (part.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            end = part.end();
        }
        if (end == 0 || end != text.length()) {
            throw error("expected a duration such as \"10s\" or \"500ms\", got \"" + text + "\"");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    ConfigException error(String message) {
        return new ConfigException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private Map<String, Object> map() throws ConfigException {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error("expected a mapping of keys to values");
        }
        Map<String, Object> strings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw error("key " + entry.getKey() + " is not a string");
            }
            strings.put(key, entry.getValue());
        }
        return strings;
    }

    private String join(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
