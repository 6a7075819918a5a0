package io.oth.phase;

import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollbackTest {
    @Test
    void undoesNewestFirstAndGoesOnPastAnUndoThatFails() {
        List<String> done = new ArrayList<>();
        Rollback rollback = new Rollback();
        rollback.push("app1 runs 1.4 again", () -> done.add("app1"));
        rollback.push("app2 runs 1.4 again", () -> {
            throw new RemoteException("app2", Failure.CONNECTION_LOST, "gone");
        });
        rollback.push("app3 runs 1.4 again", () -> done.add("app3"));
        List<Rollback.Outcome> outcomes = rollback.unwind();
        assertEquals(List.of("app3", "app1"), done);
        assertEquals(List.of(new Rollback.Outcome("app3 runs 1.4 again", Optional.empty()),
                new Rollback.Outcome("app2 runs 1.4 again", Optional.of("app2: connection lost: gone")),
                new Rollback.Outcome("app1 runs 1.4 again", Optional.empty())), outcomes);
        assertEquals("app2 runs 1.4 again FAILED: app2: connection lost: gone", outcomes.get(1).toString());
        assertTrue(rollback.isEmpty(), "each undo runs once");
    }

    @Test
    void aCommittedRollbackUndoesNothing() {
        List<String> done = new ArrayList<>();
        Rollback rollback = new Rollback();
        rollback.push("x", () -> done.add("x"));
        rollback.commit();
        assertEquals(List.of(), rollback.unwind());
        assertEquals(List.of(), done);
    }
}
