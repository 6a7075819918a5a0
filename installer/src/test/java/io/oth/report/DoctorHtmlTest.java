package io.oth.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oth.check.Finding;
import io.oth.check.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DoctorHtmlTest {
    private static final Instant STARTED = Instant.parse("2026-11-23T14:20:00.123Z");
    private static final String HOSTILE = "</script><script>alert(1)</script><!-- & \"quoted\" 'single'";
    private static final Pattern EMBEDDED = Pattern.compile("(?s)<script type=\"application/json\" id=\"oth-doctor\">(.*?)</script>");

    private static final List<Finding> FINDINGS = List.of(
            Finding.ok("reach.bastion", "operator", "bastion 203.0.113.10", "SSH and host key as recorded"),
            Finding.ok("dns.fqdn", "app1", "oth.example.test", "resolves to the load balancer 203.0.113.20"),
            new Finding("ports.app-storage", "app1", "10.77.0.20:3306", Verdict.FAIL, "no answer (filtered or down)",
                    "a firewall drops 10.77.0.20:3306 from app1 (10.77.0.101): check the nftables rule on the target for 10.77.0.101"),
            new Finding("outbound.sms", "app1", "api.twilio.com:443", Verdict.WARN, "connection refused", "nothing listens on api.twilio.com:443"),
            new Finding("outbound.video", "app2", "platform.vidyo.io:443", Verdict.SKIP, "feature video is off", ""),
            new Finding("posture.listen", "lb", "sockets", Verdict.WAIVED, "also listens on 0.0.0.0:8404", "waived in the site file"),
            Finding.ok("ports.lb-app", "lb", "10.77.0.101:80", "connected"));

    private static String page(List<Finding> findings) {
        return DoctorHtml.render(SitePictureTest.site("lab"), STARTED, 0.84, findings, "1.2.3");
    }

    @Test
    void namesTheSiteTheRunAndTheCountsAndGroupsByVantageAsTheTableDoes() {
        String html = page(FINDINGS);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        for (String text : new String[] {"<meta charset=\"utf-8\">", "<h1>oth doctor: lab</h1>", "<dd>oth.example.test</dd>",
                "<dd>2026-11-23T14:20:00Z</dd>", "<dd>0.8 s</dd>", "<dd>1.2.3</dd>",
                "<p class=\"summary fail\">3 ok, 1 warning, 1 failure, 1 skipped, 1 waived</p>"}) {
            assertTrue(html.contains(text), () -> text + "\n" + html);
        }
        List<String> vantages = new ArrayList<>();
        Matcher m = Pattern.compile("<h2>from (\\S+) <span class=\"counts (\\w+)\">").matcher(html);
        while (m.find()) {
            vantages.add(m.group(1) + ":" + m.group(2));
        }
        assertEquals(List.of("operator:ok", "app1:fail", "app2:skip", "lb:waived"), vantages);
        int app1 = html.indexOf("<h2>from app1");
        int app2 = html.indexOf("<h2>from app2");
        int storagePort = html.indexOf("10.77.0.20:3306", html.indexOf("<h2>from "));
        assertTrue(app1 < storagePort && storagePort < app2, html);
    }

    @Test
    void everyFindingHasItsMarkClassCauseAndHint() {
        String html = page(FINDINGS);
        for (Finding f : FINDINGS) {
            String verdict = f.verdict().name().toLowerCase(Locale.ROOT);
            String row = "<tr class=\"" + verdict + "\"><td class=\"mark\" title=\"" + verdict + "\">" + f.verdict().mark()
                    + "</td><td class=\"check\">" + f.id() + "</td><td class=\"target\">" + f.target() + "</td><td class=\"cause\">"
                    + f.cause() + (f.hint().isEmpty() ? "" : "<div class=\"hint\">hint: " + f.hint() + "</div>") + "</td></tr>";
            assertTrue(html.contains(row), () -> row + "\n" + html);
        }
        String byVantage = html.substring(html.indexOf("<h2>from "));
        assertEquals(FINDINGS.size(), byVantage.split("<tr class=", -1).length - 1, html);
    }

    @Test
    void isSelfContained() {
        String html = page(FINDINGS);
        String outsideJson = EMBEDDED.matcher(html).replaceAll("");
        for (String external : new String[] {"src=", "href=", "<link", "@import", "url(", "http://", "https://", "<script", "<iframe", "<img"}) {
            assertFalse(outsideJson.contains(external), () -> external + "\n" + html);
        }
        assertTrue(html.contains("<style>"), html);
    }

    @Test
    void everyValueIsEscapedSoACauseCannotAddMarkup() {
        String html = DoctorHtml.render(SitePictureTest.site("lab <b>"), STARTED, 1,
                List.of(new Finding("dns.fqdn", "app1 <i>", "<target>", Verdict.FAIL, HOSTILE, "hint " + HOSTILE)), "1.2.3");
        assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &amp; &quot;quoted&quot; &#39;single&#39;"), html);
        assertTrue(html.contains("<h1>oth doctor: lab &lt;b&gt;</h1>"), html);
        assertTrue(html.contains("from app1 &lt;i&gt;"), html);
        assertTrue(html.contains("<td class=\"target\">&lt;target&gt;</td>"), html);
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("<b>") || html.contains("<i>") || html.contains("<target>"), html);
        assertEquals(1, html.split("</script>", -1).length - 1, "only the JSON block closes a script element\n" + html);
        assertFalse(EMBEDDED.matcher(html).results().findFirst().orElseThrow().group(1).contains("<"), html);
    }

    @Test
    void theEmbeddedJsonReadsBackAsTheSameDocumentAsDoctorJson() throws IOException {
        List<Finding> findings = new ArrayList<>(FINDINGS);
        findings.add(new Finding("certs.served", "operator", "203.0.113.20:443", Verdict.FAIL, HOSTILE, "a > b && c < d"));
        String html = DoctorHtml.render(SitePictureTest.site("lab"), STARTED, 0.84, findings, "1.2.3");
        Matcher m = EMBEDDED.matcher(html);
        assertTrue(m.find(), html);
        ObjectMapper jackson = new ObjectMapper();
        JsonNode embedded = jackson.readTree(m.group(1));
        assertEquals(jackson.readTree(DoctorJson.render("lab", "oth.example.test", STARTED, 0.84, findings)), embedded);
        assertEquals(DoctorJson.SCHEMA, embedded.get("schema").asText());
        List<Finding> back = new ArrayList<>();
        embedded.get("findings").forEach(f -> back.add(new Finding(f.get("id").asText(), f.get("vantage").asText(), f.get("target").asText(),
                Verdict.valueOf(f.get("verdict").asText().toUpperCase(Locale.ROOT)), f.get("cause").asText(), f.get("hint").asText())));
        assertEquals(findings, back);
    }

    @Test
    void failuresThenWarningsComeFirstWithWhereTheyWereSeenFrom() {
        String html = page(FINDINGS);
        String attention = html.substring(html.indexOf("<h2>Needs attention</h2>"), html.indexOf("<h2>Nodes</h2>"));
        assertTrue(html.indexOf("<h2>Needs attention</h2>") < html.indexOf("<h2>from "), html);
        int fail = attention.indexOf("<tr class=\"fail\">");
        int warn = attention.indexOf("<tr class=\"warn\">");
        assertTrue(fail > 0 && fail < warn, attention);
        assertTrue(attention.contains("<td class=\"check\">ports.app-storage</td><td class=\"check\">app1</td><td class=\"target\">10.77.0.20:3306</td>"),
                attention);
        assertEquals(2, attention.split("<tr class=", -1).length - 1, "no ok, skipped or waived finding there\n" + attention);
        assertFalse(page(List.of(FINDINGS.get(0))).contains("Needs attention"));
    }

    @Test
    void aTableOfNodesWithRoleAddressesAndRelease() {
        List<Finding> findings = new ArrayList<>(FINDINGS);
        findings.add(Finding.ok("posture.release", "app1", "release 2026.11.2", "/opt/oth/releases/2026.11.2"));
        String html = page(findings);
        String nodes = html.substring(html.indexOf("<h2>Nodes</h2>"), html.indexOf("<h2>The site</h2>"));
        for (String row : new String[] {
            "<tr class=\"node\"><td class=\"check\">lb</td><td>lb</td><td class=\"target\">10.77.0.2</td><td class=\"target\">203.0.113.20</td>"
                    + "<td class=\"target\">-</td><td class=\"waived\">",
            "<tr class=\"node\"><td class=\"check\">app1</td><td>app</td><td class=\"target\">10.77.0.101</td><td class=\"target\">-</td>"
                    + "<td class=\"target\">2026.11.2</td><td class=\"fail\">",
            "<tr class=\"node\"><td class=\"check\">app2</td><td>app</td><td class=\"target\">10.77.0.102</td><td class=\"target\">-</td>"
                    + "<td class=\"target\">unknown</td><td class=\"skip\">",
            "<tr class=\"node\"><td class=\"check\">storage</td><td>storage</td><td class=\"target\">10.77.0.20</td><td class=\"target\">-</td>"
                    + "<td class=\"target\">-</td><td class=\"none\"><span class=\"counts none\">nothing seen from it</span>"}) {
            assertTrue(nodes.contains(row), () -> row + "\n" + nodes);
        }
    }

    @Test
    void thePictureOfTheSiteIsInlineSvg() {
        String html = page(FINDINGS);
        assertTrue(html.contains("<figure class=\"site\">\n<svg class=\"site\" viewBox="), html);
        assertTrue(html.contains("<g class=\"hop fail\" data-from=\"node:app1\" data-to=\"node:storage\">"), html);
    }

    @Test
    void noFindingsIsStillAPage() {
        String html = page(List.of());
        assertTrue(html.contains("<p class=\"summary ok\">0 ok, 0 warnings, 0 failures, 0 skipped, 0 waived</p>"), html);
        assertTrue(html.contains("<p>No findings.</p>"), html);
    }

    @Test
    void theFileIsReplacedWholeAndNoTemporaryFileIsLeft(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("doctor.html");
        Files.writeString(file, "the old report");
        ReportFile.write(file, page(FINDINGS));
        assertEquals(page(FINDINGS), Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aMissingDirectoryIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("no/such/dir/doctor.html");
        IOException e = assertThrows(IOException.class, () -> ReportFile.write(file, "x"));
        assertEquals(file + ": cannot write: no such directory " + dir.resolve("no/such/dir"), e.getMessage());
    }

    @Test
    void aDirectoryIsNotOverwritten(@TempDir Path dir) throws IOException {
        Path file = Files.createDirectory(dir.resolve("doctor.html"));
        IOException e = assertThrows(IOException.class, () -> ReportFile.write(file, "x"));
        assertEquals(file + ": cannot write: it is a directory", e.getMessage());
        assertTrue(Files.isDirectory(file));
    }

    @Test
    void aDirectoryNobodyMayWriteIsNamed() {
        Path file = Path.of("/sys/doctor.html");
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel")), "needs Linux sysfs, where not even root may create a file");
        IOException e = assertThrows(IOException.class, () -> ReportFile.write(file, "x"));
        assertEquals(file + ": cannot write: permission denied", e.getMessage());
        assertFalse(Files.exists(file));
    }
}
