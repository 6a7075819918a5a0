package io.oth.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandGroupTest {
    @Test
    void aGroupOnItsOwnPrintsItsUsage() {
        for (String group : new String[] {"backup", "certs", "hosts", "secrets", "site", "support"}) {
            Run run = Run.oth(group);
            assertEquals(0, run.code(), run::toString);
            assertTrue(run.out().startsWith("Usage: oth " + group + " "), run::toString);
        }
    }
}
