package io.oth.site;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/** The entries of a YAML mapping, read through {@link Field}; a missing key is reported at the mapping. */
public final class FieldMap {
    private final Field mapping;
    private final Map<String, Field> entries;

    FieldMap(Field mapping, Map<String, Field> entries) {
        this.mapping = mapping;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Every entry, in file order. */
    public Map<String, Field> entries() {
        return entries;
    }

    public Optional<Field> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The entry, or empty after reporting it missing. */
    public Optional<Field> require(String key, String expected) {
        Optional<Field> field = get(key);
        if (field.isEmpty()) {
            missing(key, expected);
        }
        return field;
    }

    public <T> Optional<T> require(String key, Syntax<T> syntax) {
        return require(key, syntax.expected()).flatMap(field -> field.read(syntax));
    }

    /** The value when the key is given and valid; empty when it is absent (no problem) or invalid (reported). */
    public <T> Optional<T> optional(String key, Syntax<T> syntax) {
        return get(key).flatMap(field -> field.read(syntax));
    }

    /** Reports {@code key} as missing, at the mapping that lacks it. */
    public void missing(String key, String expected) {
        mapping.report(mapping.child(key), "missing (expected " + expected + ")");
    }
}
