package io.oth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth doctor --html} without a lab: the site's bastion is a loopback port nobody listens
 * on, so the run ends at once with one failed finding, the page still written.
 */
class DoctorHtmlCommandTest {
    @TempDir
    Path dir;

    private Path site;

    @BeforeEach
    void siteWithAClosedBastion() throws IOException {
        site = ClosedBastionSite.write(dir);
    }

    @Test
    void thePageIsWrittenBesideTheTable() throws IOException {
        Path page = dir.resolve("doctor.html");
        Run run = Run.oth("doctor", "--site", site.toString(), "--only", "reach", "--html", page.toString());
        assertEquals(ExitCode.FAILED.code(), run.code(), run::toString);
        assertTrue(run.out().contains("✗ reach.bastion"), run::toString);
        String html = Files.readString(page);
        assertTrue(html.contains("<td class=\"check\">reach.bastion</td>"), html);
        assertTrue(html.contains("<dd>" + VersionProvider.version() + "</dd>"), html);
    }

    @Test
    void withJsonTheJsonIsStillPrinted() throws IOException {
        Path page = dir.resolve("doctor.html");
        Run run = Run.oth("doctor", "--site", site.toString(), "--only", "reach", "--json", "--html", page.toString());
        assertEquals("reach.bastion", new ObjectMapper().readTree(run.out()).get("data").get("findings").get(0).get("id").asText(), run::toString);
        assertTrue(Files.readString(page).contains("id=\"oth-doctor\""));
    }

    @Test
    void aPageThatCannotBeWrittenIsAUsageErrorNamingTheFileAfterTheTable() {
        Path page = dir.resolve("missing/doctor.html");
        Run run = Run.oth("doctor", "--site", site.toString(), "--only", "reach", "--html", page.toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.out().contains("✗ reach.bastion"), run::toString);
        assertEquals("oth: --html: " + page + ": cannot write: no such directory " + page.getParent() + "\n", run.err(), run::toString);
        assertFalse(Files.exists(page.getParent()));
    }

    @Test
    void whatTheClosedBastionKeptFromRunningIsSkippedInTheTableTheJsonAndThePage() throws IOException {
        Path page = dir.resolve("doctor.html");
        Run run = Run.oth("doctor", "--site", site.toString(), "--only", "reach,dns,posture", "--all", "--html", page.toString());
        assertEquals(ExitCode.FAILED.code(), run.code(), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s+- reach\\.node\\s+app1\\s+not tried: .*")), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s+- posture\\.firewall\\s+-\\s+not tried: reach\\.bastion failed \\(bastion localhost\\)")), run::toString);
        assertFalse(run.out().contains(" 0 skipped"), run::toString);
        assertTrue(Files.readString(page).contains("not tried: reach.bastion failed (bastion localhost)"));

        Run json = Run.oth("doctor", "--site", site.toString(), "--only", "reach,dns,posture", "--json");
        com.fasterxml.jackson.databind.JsonNode doc = new ObjectMapper().readTree(json.out()).get("data");
        long skipped = 0;
        for (com.fasterxml.jackson.databind.JsonNode f : doc.get("findings")) {
            skipped += f.get("verdict").asText().equals("skip") ? 1 : 0;
        }
        assertTrue(skipped > 3, json::toString);
        assertEquals(skipped, doc.get("summary").get("skip").asLong());
    }
}
