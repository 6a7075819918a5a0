package io.oth.remote;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed command's words are the node's: {@link CommandResult#diagnostic()} never hands them on raw. */
class CommandResultTest {

    @Test
    void theDiagnosticIsStderrElseStdoutQuotedAndEscaped() {
        assertEquals("\"nft: no such table\"", new CommandResult(1, "ignored", "nft: no such table\n").diagnostic());
        assertEquals("\"only stdout\"", new CommandResult(1, "only stdout\n", " \n").diagnostic());
        assertEquals("nft: no such table", new CommandResult(1, "", "  nft: no such table\n").text(), "code reads the text as sent");
    }

    @Test
    void escapeSequencesCarriageReturnsAndHugeAnswersNeverReachAMessageRaw() {
        String hostile = "\u001b[2J\u001b]0;pwned\u0007\rERROR fake line\u202e" + "z".repeat(1_000_000);
        String shown = new CommandResult(1, "", hostile).diagnostic();
        assertFalse(shown.chars().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT), shown);
        assertTrue(shown.startsWith("\"\\u001b[2J\\u001b]0;pwned\\u0007\\rERROR fake line\\u202e"), shown);
        assertTrue(shown.endsWith("\" (" + hostile.length() + " characters, cut)"), shown);
        assertTrue(shown.length() < NodeText.MAX_DIAGNOSTIC + 80, () -> shown.length() + " characters");
    }
}
