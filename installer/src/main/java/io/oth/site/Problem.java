package io.oth.site;

import java.nio.file.Path;

/**
 * One thing wrong in a YAML file: where (1-based line and column; 0 when it concerns the whole
 * file, e.g. it cannot be read), which field (like {@code nodes[2].address}; empty for the whole
 * document) and what was found and expected.
 */
public record Problem(Path file, int line, int column, String field, String message) {

    /** {@code FILE:LINE:COLUMN: FIELD: message}, the form editors and CI logs link to. */
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return where + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
