package io.oth.bundle;

import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth support bundle} on the installed lab, with traps planted where collectors leak: a
 * password in a my.cnf, RabbitMQ's default_pass, a PEM key in a log directory, a one-line JSON
 * record carrying a key and a password, credentials in a URL, the Erlang cookie copied into a log.
 * No secret of the site and no trap may be found in the bundle in any encoding, in the unpacked
 * files or in the raw .tar.gz.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupportBundleIT {
    private static final String JSON_KEY_TRAP = "Trap-Json-91c3e0aa";
    private static final String TRAPPED_CONFIGS = "/etc/mysql/mariadb.conf.d/60-oth.cnf /etc/rabbitmq/rabbitmq.conf";
    private static Lab lab;
    private static Path site;
    private static Path dir;
    private static final Map<String, String> TRAPS = new LinkedHashMap<>();

    @BeforeAll
    static void installedLabWithTraps(Lab theLab) throws Exception {
        lab = theLab;
        site = lab.site();
        dir = Files.createTempDirectory("bundle-it");
        Run install = Run.oth("install", "--site", site.toString());
        assertEquals(0, install.code(), install::toString);

        TRAPS.put("my.cnf password", "Trap-MyCnf-7e1d9c42");
        TRAPS.put("rabbitmq default_pass", "Trap-Rabbit-4b2a8f17");
        TRAPS.put("JSON password", JSON_KEY_TRAP);
        TRAPS.put("URL password", "Trap-Url-5d7b21c9");
        // The storage configs get their traps appended; @AfterAll puts each back byte for byte, so that the
        // next test's install finds nothing to change (and restarts nothing).
        lab.exec("storage", "sh", "-c", "for f in " + TRAPPED_CONFIGS + "; do cp -p \"$f\" \"$f.it-orig\"; done");
        lab.exec("storage", "sh", "-c", "printf '[client]\\npassword = %s\\n' " + TRAPS.get("my.cnf password")
                + " >> /etc/mysql/mariadb.conf.d/60-oth.cnf"
                + " && printf 'default_user = admin\\ndefault_pass = %s\\n' " + TRAPS.get("rabbitmq default_pass") + " >> /etc/rabbitmq/rabbitmq.conf"
                + " && mkdir -p /var/log/rabbitmq && echo \"cookie in a log: $(cat /var/lib/rabbitmq/.erlang.cookie)\" >> /var/log/rabbitmq/trap.log");
        String fileKey = lab.exec("app1", "sh", "-c", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null"
                + " | tee /var/log/oth-app/stray-key.pem");
        String jsonKey = lab.exec("app1", "sh", "-c", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null");
        TRAPS.put("PEM key in a log directory", fileKey.strip());
        TRAPS.put("private key in a JSON record", jsonKey.strip());
        String record = "{\"level\":\"ERROR\",\"msg\":\"boot failed\",\"key\":\"" + jsonKey.strip().replace("\n", "\\n")
                + "\",\"password\":\"" + JSON_KEY_TRAP + "\"}";
        Path recordFile = dir.resolve("record.json");
        Files.writeString(recordFile, record + "\njdbc:mariadb://oth:" + TRAPS.get("URL password") + "@storage:3306/oth connect failed\n");
        lab.exec("app1", "sh", "-c", "cat >> /var/log/oth-app/app.log <<'EOF'\n" + Files.readString(recordFile) + "EOF");
        TRAPS.put("Erlang cookie", lab.exec("storage", "cat", "/var/lib/rabbitmq/.erlang.cookie").strip());
    }

    @AfterAll
    static void trapsRemoved() {
        lab.exec("storage", "sh", "-c", "for f in " + TRAPPED_CONFIGS + "; do mv \"$f.it-orig\" \"$f\"; done; rm -f /var/log/rabbitmq/trap.log");
        lab.exec("app1", "rm", "-f", "/var/log/oth-app/stray-key.pem");
    }

    @Test
    @Order(1)
    void theBundleHasEveryNodeAndNoSecretInAnyEncoding() throws Exception {
        Path bundle = dir.resolve("bundle.tar.gz");
        Run run = Run.oth("support", "bundle", "--site", site.toString(), "--out", bundle.toString(), "--since", "2h");
        assertEquals(0, run.code(), run::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));
        for (String node : List.of("lb", "app1")) {
            assertEquals("", lab.exec(node, "sh", "-c", "ss -Hltn 'sport = :4369'").strip(), "making a bundle started nothing on " + node);
        }
        Path unpacked = unpack(bundle);
        Path top;
        try (Stream<Path> tops = Files.list(unpacked)) {
            top = tops.findFirst().orElseThrow();
        }
        String index = Files.readString(top.resolve("index.json"));
        for (String node : lab.nodes()) {
            assertTrue(index.contains("\"name\" : \"" + node + "\""), node + " in the index: " + index);
            assertTrue(Files.isDirectory(top.resolve("nodes").resolve(node)), node + "'s part");
        }
        assertFalse(index.contains("\"collected\" : false"), index);
        assertTrue(Files.readString(top.resolve("nodes/lb/files/etc/haproxy/haproxy.cfg")).contains("frontend"), "haproxy's config");
        assertTrue(Files.readString(top.resolve("nodes/storage/commands/ruleset.txt")).contains("table inet"), "the live ruleset");
        assertTrue(Files.readString(top.resolve("nodes/app1/logs/var/log/oth-app/app.log")).contains("<redacted:"), "the JSON record, redacted");
        assertTrue(Files.readString(top.resolve("nodes/lb/certificates.txt")).contains("Not After"), "certificates listed");
        assertTrue(Files.exists(top.resolve("operator/doctor.json")) && Files.exists(top.resolve("operator/site.yml")), "this side's part");
        String redactions = Files.readString(top.resolve("redactions.json"));
        assertTrue(redactions.contains("private-key") && redactions.contains("password"), redactions);

        Map<String, String> secrets = new LinkedHashMap<>(siteSecrets());
        secrets.putAll(TRAPS);
        List<String> found = new ArrayList<>();
        Map<String, String> places = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(unpacked)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                places.put(unpacked.relativize(f).toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        places.put("the raw .tar.gz", new String(Files.readAllBytes(bundle), StandardCharsets.ISO_8859_1));
        secrets.forEach((name, value) -> forms(value).forEach((form, text) -> places.forEach((place, content) -> {
            if (content.contains(text)) {
                found.add(name + " as " + form + " in " + place);
            }
        })));
        places.forEach((place, content) -> {
            if (content.contains("PRIVATE KEY-----")) {
                found.add("a PEM private key in " + place);
            }
        });
        assertEquals(List.of(), found);
        assertTrue(secrets.size() > TRAPS.size() + 4, "the site's own secrets were checked too: " + secrets.keySet());
    }

    @Test
    @Order(2)
    void inspectListsTheBundleAndChecksItAgain() throws Exception {
        Path bundle = dir.resolve("bundle.tar.gz");
        Run inspect = Run.oth("support", "bundle", "--site", site.toString(), "--inspect", bundle.toString());
        assertEquals(0, inspect.code(), inspect::toString);
        assertTrue(inspect.out().contains("index.json") && inspect.out().contains("nodes/storage/commands/ruleset.txt"), inspect::toString);
        assertTrue(inspect.out().contains("Checked: none of the site's secrets is in it."), inspect::toString);
    }

    @Test
    @Order(3)
    void analyzeWritesTheDoctorReportFromTheBundleAlone() throws Exception {
        Path bundle = dir.resolve("bundle.tar.gz");
        Path html = dir.resolve("analysis.html");
        Run analyze = Run.oth("support", "bundle", "--analyze", bundle.toString(), "--html", html.toString());
        assertTrue(analyze.code() == 0 || analyze.code() == 7 || analyze.code() == 1, analyze::toString);
        assertTrue(analyze.out().matches("(?s).*[1-9][0-9]* analysed again from the nodes' data.*"), analyze::toString);
        String page = Files.readString(html);
        assertTrue(page.contains("id=\"oth-doctor\"") && page.contains("ports.") && page.contains("posture."), "the report, with the nodes' checks");
    }

    @Test
    @Order(4)
    void aRedactionRuleSwitchedOffMakesTheCheckRefuseTheBundle() throws IOException {
        Path bundle = dir.resolve("leaky.tar.gz");
        System.setProperty("oth.test.disable-redaction", "secret,password");
        Run run;
        try {
            run = Run.oth("support", "bundle", "--site", site.toString(), "--out", bundle.toString(), "--node", "storage");
        } finally {
            System.clearProperty("oth.test.disable-redaction");
        }
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.err().contains("no bundle was written"), run::toString);
        assertTrue(run.err().matches("(?s).*nodes/storage/\\S+:[0-9]+: the secret .*"), "the file and line are named: " + run);
        assertFalse(Files.exists(bundle), "no bundle");
        siteSecrets().forEach((name, value) -> assertFalse(run.toString().contains(value), name + " is not shown"));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".leaky")).toList(), "no partial file is left");
        }
    }

    @Test
    @Order(5)
    void aNodeThatCannotBeReachedIsNamedAndTheBundleIsStillWritten() throws Exception {
        Path bundle = dir.resolve("partial.tar.gz");
        lab.exec("app2", "sh", "-c", "kill $(cat /run/sshd.pid)");
        Run run;
        try {
            run = Run.oth("support", "bundle", "--site", site.toString(), "--out", bundle.toString(), "--since", "1h");
        } finally {
            lab.exec("app2", "sh", "-c", "service ssh start >/dev/null 2>&1 || /usr/sbin/sshd");
        }
        assertEquals(3, run.code(), run::toString);
        assertTrue(run.err().contains("app2 is missing from the bundle"), run::toString);
        assertTrue(Files.exists(bundle), run::toString);
        Path top;
        try (Stream<Path> tops = Files.list(unpack(bundle))) {
            top = tops.findFirst().orElseThrow();
        }
        String index = Files.readString(top.resolve("index.json"));
        assertTrue(index.matches("(?s).*\"name\" : \"app2\".*?\"collected\" : false.*"), index);
        assertTrue(Files.isDirectory(top.resolve("nodes/app1/commands")), "the others are there");
    }

    @Test
    @Order(6)
    void theInstallsRunLogHoldsEveryRemoteCommandWithItsHostAndNoSecret() throws Exception {
        Path logs = Run.logs(SiteLoader.load(site).name());
        Path log;
        try (Stream<Path> files = Files.list(logs)) {
            log = files.filter(f -> f.getFileName().toString().endsWith("-install.log")).sorted().findFirst().orElseThrow();
        }
        String text = Files.readString(log);
        for (String node : lab.nodes()) {
            assertTrue(text.contains("[" + node + "] run"), node + "'s commands in " + log);
        }
        siteSecrets().forEach((name, value) -> assertFalse(text.contains(value), name + " in the install's log"));
    }

    /** Every way a value could be written that still gives it away. */
    private static Map<String, String> forms(String value) {
        Map<String, String> forms = new LinkedHashMap<>();
        if (value.contains("PRIVATE KEY-----")) {
            value.lines().filter(l -> !l.startsWith("-----") && l.length() >= 16).forEach(l -> forms.put("a line of the key's base64 (" + l.length() + ")", l));
            return forms;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        forms.put("plain", value);
        forms.put("base64", Base64.getEncoder().encodeToString(bytes).replace("=", ""));
        forms.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        forms.put("hex", HexFormat.of().formatHex(bytes));
        forms.put("HEX", HexFormat.of().withUpperCase().formatHex(bytes));
        forms.put("URL-encoded", URLEncoder.encode(value, StandardCharsets.UTF_8));
        forms.put("JSON-escaped", value.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"));
        return forms;
    }

    private static Map<String, String> siteSecrets() {
        try {
            Path file = StateDir.of(SiteLoader.load(site).name()).resolve("secrets.yml");
            Map<String, String> values = new LinkedHashMap<>();
            Object loaded = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            ((Map<?, ?>) loaded).forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
            return values;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Path unpack(Path bundle) throws Exception {
        Path to = Files.createTempDirectory(dir, "unpacked");
        Process p = new ProcessBuilder("tar", "-xzf", bundle.toString(), "-C", to.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        return to;
    }
}
