package io.oth.input;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nesting and alias expansion are bounded before any tree is built, and refused where the text crossed the limit. */
class BoundedYamlTest {
    private static final org.snakeyaml.engine.v2.api.LoadSettings SETTINGS = BoundedYaml.settings("test.yml", new CoreSchema()).build();

    @Test
    void nestingUpToTheLimitIsParsed() {
        // The top-level list is level 1.
        String deepest = "[".repeat(BoundedYaml.MAX_DEPTH) + "x" + "]".repeat(BoundedYaml.MAX_DEPTH);
        assertTrue(BoundedYaml.compose(deepest, SETTINGS).isPresent());
    }

    @Test
    void oneLevelMoreIsRefusedAtItsLineAndColumn() {
        String tooDeep = "a:\n  " + "[".repeat(BoundedYaml.MAX_DEPTH) + "]".repeat(BoundedYaml.MAX_DEPTH);
        MarkedYamlEngineException e = assertThrows(MarkedYamlEngineException.class, () -> BoundedYaml.compose(tooDeep, SETTINGS));
        assertEquals("nested more than 64 levels deep", e.getProblem());
        assertEquals(1, e.getProblemMark().orElseThrow().getLine(), "line 2");
        assertEquals(2 + BoundedYaml.MAX_DEPTH - 1, e.getProblemMark().orElseThrow().getColumn(), "the 64th [ on that line");
    }

    @Test
    void fiveThousandNestedListsAreAMessageNotAStackOverflow() {
        String text = "[".repeat(5000) + "]".repeat(5000);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            assertThrows(BoundedYaml.LimitExceeded.class, () -> BoundedYaml.compose(text, SETTINGS));
            assertThrows(BoundedYaml.LimitExceeded.class, () -> BoundedYaml.load(text, SETTINGS));
        });
    }

    @Test
    void ordinaryAliasesAreFine() {
        String text = "defaults: &d {user: oth, port: 22}\nnodes:\n" + "  - *d\n".repeat(30);
        Map<?, ?> loaded = (Map<?, ?>) BoundedYaml.load(text, SETTINGS);
        assertEquals(30, ((List<?>) loaded.get("nodes")).size());
    }

    @Test
    void aBillionLaughsIsRefused() {
        StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (String level : List.of("b", "c", "d", "e", "f", "g", "h", "i")) {
            bomb.append(level).append(": &").append(level).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, "*" + previous))).append("]\n");
            previous = level;
        }
        MarkedYamlEngineException e = assertThrows(MarkedYamlEngineException.class, () -> BoundedYaml.load(bomb.toString(), SETTINGS));
        assertTrue(e.getProblem().startsWith("more than 100000 values once aliases are expanded"), e::getMessage);
    }
}
