package io.oth.input;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.LoadSettingsBuilder;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.Schema;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one way oth parses YAML. snakeyaml-engine builds its tree by recursion, so 5,000 nested
 * {@code [} would end in a StackOverflowError, and it shares aliased nodes, so a few lines of
 * aliases ("billion laughs") stand for billions of values to whoever walks them. Before anything
 * is built, the text's events are streamed (the parser keeps its own stack, it does not recurse)
 * and a document nested too deeply or whose aliases expand to too many values is refused at the
 * line and column where it crossed the limit, as a syntax error is.
 */
public final class BoundedYaml {
    /** Far deeper than any file oth reads (a site file nests five levels). */
    public static final int MAX_DEPTH = 64;
    /** Values after expanding every alias: generous for a site file of 1 MiB, small next to a bomb. */
    public static final long MAX_VALUES = 100_000;
    private static final int MAX_ALIASES = 50;

    private BoundedYaml() {
    }

    /** Settings with the limits, a label (a file name) for messages and a schema; callers may add their own. */
    public static LoadSettingsBuilder settings(String label, Schema schema) {
        return LoadSettings.builder().setLabel(label).setSchema(schema)
                .setMaxAliasesForCollections(MAX_ALIASES).setCodePointLimit(InputFiles.YAML_LIMIT);
    }

    /** The node tree of {@code text}'s single document, which may be empty. */
    public static Optional<Node> compose(String text, LoadSettings settings) {
        check(text, settings);
        return new Compose(settings).composeString(text);
    }

    /** {@code text}'s single document as Java maps, lists and strings. */
    public static Object load(String text, LoadSettings settings) {
        check(text, settings);
        return new Load(settings).loadFromString(text);
    }

    /** A limit crossed, placed like a syntax error so that every reader reports it as one. */
    public static final class LimitExceeded extends MarkedYamlEngineException {
        LimitExceeded(String problem, Optional<Mark> mark) {
            super(null, Optional.empty(), problem, mark);
        }
    }

    private static void check(String text, LoadSettings settings) {
        // Per open collection: the values counted when it started and its anchor, to know what an alias of it stands for.
        Deque<Map.Entry<Long, String>> open = new ArrayDeque<>();
        Map<String, Long> anchored = new HashMap<>();
        long values = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (open.size() == MAX_DEPTH) {
                        throw new LimitExceeded("nested more than " + MAX_DEPTH + " levels deep", event.getStartMark());
                    }
                    open.push(Map.entry(values, anchor(event)));
                    values++;
                }
                case SequenceEnd, MappingEnd -> {
                    Map.Entry<Long, String> started = open.pop();
                    if (!started.getValue().isEmpty()) {
                        anchored.put(started.getValue(), values - started.getKey());
                    }
                }
                case Scalar -> {
                    values++;
                    if (!anchor(event).isEmpty()) {
                        anchored.put(anchor(event), 1L);
                    }
                }
                // An unknown alias is left to the composer, which names it.
                case Alias -> values += anchored.getOrDefault(((AliasEvent) event).getAlias().getValue(), 1L);
                default -> {
                }
            }
            if (values > MAX_VALUES) {
                throw new LimitExceeded("more than " + MAX_VALUES + " values once aliases are expanded (expected a file without an alias bomb)",
                        event.getStartMark());
            }
        }
    }

    private static String anchor(Event event) {
        return event instanceof NodeEvent node && !(event instanceof AliasEvent) ? node.getAnchor().map(a -> a.getValue()).orElse("") : "";
    }
}
