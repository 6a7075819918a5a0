package io.oth.report;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest {
    private static String printed(Table table) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            table.print(out);
        }
        return text.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void columnsAreAsWideAsTheirWidestCellAndTheLastIsNotPadded() {
        Table table = new Table("NODE", "ROLE", "VERDICT").row("storage", "storage", "ok").row("app1", "app", "connection refused");
        assertEquals("""
                NODE     ROLE     VERDICT
                storage  storage  ok
                app1     app      connection refused
                """, printed(table));
    }

    @Test
    void aLongCellIsCutInTheMiddleAndTheNextColumnStaysInLine() {
        Table table = Table.withoutHeader(3).limit(1, 20)
                .row("✓", "10.77.0.20:3306", "connected")
                .row("✗", "mariadb /etc/oth/tls/mariadb/server-certificate.pem", "expired");
        assertEquals("""
                ✓  10.77.0.20:3306       connected
                ✗  mariadb /e…icate.pem  expired
                """, printed(table));
    }

    @Test
    void theCutMarkCanBeAscii() {
        Table table = Table.withoutHeader(2).limit(0, 10).ellipsis("...").row("abcdefghijklmnop", "x");
        assertEquals("abcd...nop  x\n", printed(table));
    }

    @Test
    void aRowStaysOnOneLine() {
        Table table = Table.withoutHeader(2).row("a\nb", "first line\nsecond line");
        assertEquals("a b  first line second line\n", printed(table));
    }

    @Test
    void linesOfTheirOwnDoNotWidenTheColumnsAndRowsCanBeIndented() {
        Table table = Table.withoutHeader(2).indent(2)
                .line("from operator:").row("✓", "reach").line("      hint: a line far wider than any cell of the table")
                .line("from app1:").row("✗", "dns");
        assertEquals("""
                from operator:
                  ✓  reach
                      hint: a line far wider than any cell of the table
                from app1:
                  ✗  dns
                """, printed(table));
    }

    @Test
    void paintTakesNoRoom() {
        Table table = Table.withoutHeader(2).paint(0, cell -> "<" + cell + ">").row("ok", "a").row("FAIL", "b");
        assertEquals("<ok>    a\n<FAIL>  b\n", printed(table));
    }

    @Test
    void aMarkCanStandNextToWhatItMarks() {
        Table table = Table.withoutHeader(3).gap(0, 1).row("ok", "dns.fqdn", "resolves").row("FAIL", "reach.bastion", "refused");
        assertEquals("ok   dns.fqdn       resolves\nFAIL reach.bastion  refused\n", printed(table));
    }

    @Test
    void theLastColumnIsNeverCut() {
        assertThrows(IllegalArgumentException.class, () -> Table.withoutHeader(2).limit(1, 10));
    }
}
