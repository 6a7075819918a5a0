package io.oth.remote;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Text from a node cannot move the cursor, fake a line or flood a message. */
class NodeTextTest {

    @Test
    void aMessageQuotesEscapesAndCuts() {
        assertEquals("\"a\\\"b\\\\c\\u001b[2J\\nok\"", NodeText.shown("a\"b\\c\u001b[2J\nok"));
        assertEquals("\"" + "x".repeat(80) + "\" (81 characters, cut)", NodeText.shown("x".repeat(81)));
    }

    @Test
    void aTableCellIsPrintableAndShort() {
        assertEquals("app1?[31mred?", NodeText.cell("app1\u001b[31mred\u202e", 64));
        assertEquals("abc...", NodeText.cell("abcdef", 3));
    }
}
