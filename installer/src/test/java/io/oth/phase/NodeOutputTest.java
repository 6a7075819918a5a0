package io.oth.phase;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node's lines read as its phases in the order they started, the first running one live. */
class NodeOutputTest {
    private final List<String> printed = new ArrayList<>();
    private final NodeOutput output = new NodeOutput(printed::add);

    @Test
    void theFirstRunningPhasePrintsAtOnceAndTheOthersWhenItsTheirTurn() {
        NodeOutput.Channel a = output.open();
        NodeOutput.Channel b = output.open();
        NodeOutput.Channel c = output.open();
        a.accept("a1");
        c.accept("c1");
        b.accept("b1");
        c.finish();
        a.accept("a2");
        assertEquals(List.of("a1", "a2"), printed, "b and c wait for a, also when c has finished");
        a.finish();
        assertEquals(List.of("a1", "a2", "b1"), printed, "b now prints; c, started after b, still waits");
        b.accept("b2");
        b.finish();
        assertEquals(List.of("a1", "a2", "b1", "b2", "c1"), printed);
        NodeOutput.Channel d = output.open();
        d.accept("d1");
        assertEquals("d1", printed.get(printed.size() - 1), "a phase that starts when none runs prints at once");
    }
}
