package io.oth.remote;

import io.oth.secret.Secret;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTest {

    @Test
    void plainWordsStayAsTheyAre() {
        assertEquals("service haproxy reload", Command.of("service", "haproxy", "reload").render(true));
    }

    @Test
    void wordsWithShellMeaningAreQuoted() {
        assertEquals("echo 'a b' '$HOME' 'it'\"'\"'s' ''", Command.of("echo", "a b", "$HOME", "it's", "").render(true));
    }

    @Test
    void aQuotedWordSurvivesARealShell() throws Exception {
        String nasty = "x'; rm -rf / #\n$(id) `id` \"q\"";
        Process p = new ProcessBuilder("sh", "-c", Command.of("printf", "%s", nasty).render(true)).start();
        assertEquals(nasty, new String(p.getInputStream().readAllBytes()));
        assertEquals(0, p.waitFor());
    }

    @Test
    void secretsPrintMaskedAndAreRevealedOnlyOnRequest() {
        Command c = Command.of("mysql", "--password", Secret.of("hunter2"));
        assertEquals("mysql --password ***", c.toString());
        assertFalse(c.toString().contains("hunter2"));
        assertEquals("mysql --password hunter2", c.render(true));
        assertTrue(c.hasSecret());
        assertEquals("***", Secret.of("x").toString());
    }

    @Test
    void shellScriptsRunUnderShC() {
        assertEquals("sh -c 'echo hi; exit 3'", Command.shell("echo hi; exit 3").render(true));
        assertFalse(Command.shell("true").hasSecret());
    }

    @Test
    void onlyStringsAndSecretsAreArguments() {
        assertThrows(IllegalArgumentException.class, () -> Command.of("ls", 3));
        assertThrows(IllegalArgumentException.class, Command::of);
    }

    @Test
    void aBriefCommandIsOneShortLine() {
        String script = "d=$(mktemp -d)\n" + "echo probe\n".repeat(400);
        assertEquals("a 401-line shell script (d=$(mktemp -d))", Command.shell(script).brief());
        String brief = Command.of("cat", "x".repeat(300)).brief();
        assertTrue(brief.length() <= 61 && brief.startsWith("cat xxx") && brief.endsWith("…"), brief);
        assertEquals("ls -l /", Command.of("ls", "-l", "/").brief());
    }
}
