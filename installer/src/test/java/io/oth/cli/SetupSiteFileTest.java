package io.oth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth setup --site FILE} with a FILE that exists: its answers are the defaults, so it must load first. */
class SetupSiteFileTest {
    @TempDir
    Path dir;

    @Test
    void aSiteFileThatDoesNotLoadIsRefusedWithItsProblemsBeforeAnythingIsAsked() throws Exception {
        Path site = dir.resolve("site.yml");
        Files.writeString(site, "site: Lab!\nfqdn: oth\n");
        StringWriter err = new StringWriter();
        int code = new CommandLine(new SetupCommand(() -> {
            throw new AssertionError("no terminal is opened for a site file that does not load");
        })).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true)).execute("--site", site.toString());
        assertEquals(ExitCode.USAGE.code(), code, err::toString);
        assertTrue(err.toString().contains(site + ":1:7: site: \"Lab!\" is not a site name"), err::toString);
        assertTrue(err.toString().contains(site + ":2:7: fqdn:"), err::toString);
        assertTrue(err.toString().contains("problem(s); fix them (oth site validate) or give another --site; nothing was asked"), err::toString);
    }
}
