package io.oth.site;

import io.oth.input.BoundedYaml;
import io.oth.input.InputFiles;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A YAML file read as snakeyaml-engine's node tree rather than as Java objects, so that every value
 * keeps its line and column. Readers walk it through {@link Field}s, which collect problems here
 * instead of throwing, so that a user sees everything wrong with a file at once.
 */
public final class YamlDoc {
    private final Path file;
    private final List<Problem> problems = new ArrayList<>();
    private Optional<Field> root = Optional.empty();

    private YamlDoc(Path file) {
        this.file = file;
    }

    /** Reads {@code file}; {@code what} (like "a site file") says what it should be when it is not. */
    public static YamlDoc read(Path file, String what) {
        YamlDoc doc = new YamlDoc(file);
        try {
            doc.compose(InputFiles.readText(file, InputFiles.YAML_LIMIT, what), what);
        } catch (InputFiles.Refused e) {
            doc.fileProblem(e.reason());
        }
        return doc;
    }

    /** Parses {@code text} that came from {@code file} (which is only named in problems). */
    public static YamlDoc parse(Path file, String text, String what) {
        YamlDoc doc = new YamlDoc(file);
        doc.compose(text, what);
        return doc;
    }

    /** The top-level value; empty when the file could not be read or parsed (a problem says why). */
    public Optional<Field> root() {
        return root;
    }

    /** Every problem reported so far, in file order. */
    public List<Problem> problems() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                .toList();
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** {@code FILE:LINE} of a value, for messages that point back at it later. */
    String where(Node at) {
        return file + ":" + at.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    void report(Node at, String field, String message) {
        problems.add(at(at, field, message));
    }

    /** A message placed like a problem, without being one (a warning). */
    Problem at(Node at, String field, String message) {
        Optional<Mark> mark = at.getStartMark();
        return new Problem(file, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0), field, message);
    }

    private void compose(String text, String what) {
        // The core schema, so that ~ and null mean "no value" as YAML 1.2 readers expect.
        LoadSettings settings = BoundedYaml.settings(file.toString(), new CoreSchema()).build();
        try {
            root = BoundedYaml.compose(text, settings).map(node -> new Field(this, "", node));
            if (root.isEmpty()) {
                fileProblem("is empty (expected " + what + ")");
            }
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark();
            String context = e.getContext() == null ? ""
                    : " (" + e.getContext() + e.getContextMark().map(m -> " at " + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("") + ")";
            problems.add(new Problem(file, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
                    "", "not valid YAML: " + e.getProblem() + context));
        } catch (YamlEngineException e) {
            fileProblem("not valid YAML: " + e.getMessage());
        }
    }

    private void fileProblem(String message) {
        problems.add(new Problem(file, 0, 0, "", message));
    }
}
