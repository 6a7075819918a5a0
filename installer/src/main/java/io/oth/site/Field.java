package io.oth.site;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One value of a {@link YamlDoc} and its path from the top (like {@code nodes[2].address}).
 * Each reader returns the value when it has the expected shape, or reports at this value's
 * position what was found and what was expected, and returns empty.
 */
public final class Field {
    private final YamlDoc doc;
    private final String path;
    private final Node node;

    Field(YamlDoc doc, String path, Node node) {
        this.doc = doc;
        this.path = path;
        this.node = node;
    }

    public String path() {
        return path;
    }

    /** Where this value is written: {@code FILE:LINE}. */
    public String where() {
        return doc.where(node);
    }

    /** Reports a problem with this value. */
    public void problem(String message) {
        doc.report(node, path, message);
    }

    /** A warning about this value: placed as a problem is, but not counted as one. */
    public Problem warning(String message) {
        return doc.at(node, path, "warning: " + message);
    }

    /** A scalar in {@code syntax}. Numbers and words are read as written: {@code port: "22"} is a port too. */
    public <T> Optional<T> read(Syntax<T> syntax) {
        if (!(node instanceof ScalarNode scalar) || isEmpty()) {
            problem("is " + found() + " (expected " + syntax.expected() + ")");
            return Optional.empty();
        }
        Optional<T> value = syntax.parse(scalar.getValue());
        if (value.isEmpty()) {
            problem(quoted() + " is not " + syntax.noun() + " (expected " + syntax.expected() + ")");
        }
        return value;
    }

    public Optional<List<Field>> list() {
        if (!(node instanceof SequenceNode sequence)) {
            problem("is " + found() + " (expected a list)");
            return Optional.empty();
        }
        List<Field> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(new Field(doc, path + "[" + items.size() + "]", item));
        }
        return Optional.of(items);
    }

    /** A list read item by item; items that {@code item} rejects (having reported why) are left out. */
    public <T> Optional<List<T>> listOf(Function<Field, Optional<T>> item) {
        return list().map(items -> items.stream().map(item).flatMap(Optional::stream).toList());
    }

    /** A mapping whose keys must be among {@code allowed}; an unknown or repeated key is reported and left out. */
    public Optional<FieldMap> mapping(List<String> allowed) {
        return entries(Optional.of(allowed));
    }

    /** A mapping with keys of any name, such as the roles in playbooks/roles.yml. */
    public Optional<FieldMap> mapping() {
        return entries(Optional.empty());
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /** The value as the user wrote it, quoted, for messages such as {@code "app1" is already nodes[0].name}. */
    public String quoted() {
        return quote(text());
    }

    /** {@code text} in double quotes, escaped as YAML would: how messages show a value. */
    public static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** A scalar's text as written; empty for a list or mapping. */
    String text() {
        return node instanceof ScalarNode scalar ? scalar.getValue() : "";
    }

    private Optional<FieldMap> entries(Optional<List<String>> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            problem("is " + found() + " (expected a mapping)");
            return Optional.empty();
        }
        Map<String, Field> entries = new LinkedHashMap<>();
        Map<String, Field> keys = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Field key = new Field(doc, path, tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode scalar) || key.isEmpty()) {
                key.problem("has a key that is " + key.found() + " (expected a name)");
                continue;
            }
            String name = scalar.getValue();
            Field first = keys.putIfAbsent(name, key);
            if (allowed.isPresent() && !allowed.get().contains(name)) {
                doc.report(key.node, child(name), "unknown key (expected one of " + String.join(", ", allowed.get()) + ")");
            } else if (first != null) {
                doc.report(key.node, child(name), "duplicate key, first at " + first.position() + " (expected each key once)");
            } else {
                entries.put(name, new Field(doc, child(name), tuple.getValueNode()));
            }
        }
        return Optional.of(new FieldMap(this, entries));
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void report(String field, String message) {
        doc.report(node, field, message);
    }

    private String position() {
        return node.getStartMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("?");
    }

    private boolean isEmpty() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private String found() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isEmpty() ? "empty" : "the value " + quoted();
    }
}
