package io.oth.cli;

import io.oth.report.TextStyle;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How oth decides, from where its output goes, between ✓ and ok, and whether to colour. */
class StdoutTest {
    private static Stdout stdout(boolean terminal, Charset charset, String... variables) {
        Map<String, String> environment = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            environment.put(variables[i], variables[i + 1]);
        }
        return new Stdout(terminal, charset, environment::get);
    }

    private static boolean unicode(Charset charset, String... variables) {
        return stdout(false, charset, variables).style(Stdout.Color.never).unicode();
    }

    @Test
    void marksNeedAUtf8LocaleAndACharsetThatHasThem() {
        assertTrue(unicode(StandardCharsets.UTF_8, "LANG", "en_US.UTF-8"));
        assertTrue(unicode(StandardCharsets.UTF_8, "LANG", "C.utf8"));
        assertTrue(unicode(StandardCharsets.UTF_8, "LANG", "de_DE.UTF-8@euro"));
        assertFalse(unicode(StandardCharsets.UTF_8, "LANG", "C"), "LANG=C: the terminal shows ? for ✓");
        assertFalse(unicode(StandardCharsets.UTF_8), "no locale at all is C");
        assertFalse(unicode(StandardCharsets.UTF_8, "LANG", "de_DE.ISO-8859-1"));
        assertFalse(unicode(StandardCharsets.US_ASCII, "LANG", "en_US.UTF-8"), "a JVM writing ASCII prints ✓ as ?");
        assertFalse(unicode(StandardCharsets.ISO_8859_1, "LANG", "en_US.UTF-8"));
    }

    @Test
    void lcAllOutranksLcCtypeOutranksLangAndAnEmptyOneIsUnset() {
        assertFalse(unicode(StandardCharsets.UTF_8, "LC_ALL", "C", "LANG", "en_US.UTF-8"));
        assertTrue(unicode(StandardCharsets.UTF_8, "LC_CTYPE", "en_US.UTF-8", "LANG", "C"));
        assertFalse(unicode(StandardCharsets.UTF_8, "LC_ALL", "POSIX", "LC_CTYPE", "en_US.UTF-8"));
        assertTrue(unicode(StandardCharsets.UTF_8, "LC_ALL", "", "LANG", "en_US.UTF-8"));
    }

    private static boolean colour(Stdout stdout, Stdout.Color color) {
        TextStyle style = stdout.style(color);
        return style.colour();
    }

    @Test
    void autoColoursATerminalThatIsNotDumbUnlessNoColorIsSet() {
        assertTrue(colour(stdout(true, StandardCharsets.UTF_8, "TERM", "xterm-256color"), Stdout.Color.auto));
        assertFalse(colour(stdout(false, StandardCharsets.UTF_8, "TERM", "xterm-256color"), Stdout.Color.auto), "a pipe or a file");
        assertFalse(colour(stdout(true, StandardCharsets.UTF_8, "TERM", "dumb"), Stdout.Color.auto));
        assertFalse(colour(stdout(true, StandardCharsets.UTF_8), Stdout.Color.auto), "no TERM: nothing says it understands escapes");
        assertFalse(colour(stdout(true, StandardCharsets.UTF_8, "TERM", "xterm", "NO_COLOR", "1"), Stdout.Color.auto));
        assertTrue(colour(stdout(true, StandardCharsets.UTF_8, "TERM", "xterm", "NO_COLOR", ""), Stdout.Color.auto), "NO_COLOR counts when not empty");
    }

    @Test
    void alwaysAndNeverAreAsAskedWhateverTheEnvironment() {
        assertTrue(colour(stdout(false, StandardCharsets.UTF_8, "NO_COLOR", "1", "TERM", "dumb"), Stdout.Color.always));
        assertFalse(colour(stdout(true, StandardCharsets.UTF_8, "TERM", "xterm"), Stdout.Color.never));
        assertEquals(new TextStyle(true, false), Run.UTF8_PIPE.style(Stdout.Color.auto), "what the tests print to");
    }
}
