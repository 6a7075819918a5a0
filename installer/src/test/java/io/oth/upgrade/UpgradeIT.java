package io.oth.upgrade;

import io.oth.cli.Run;
import io.oth.install.TarBuilder;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth upgrade} on the installed lab: the sample application 1.0.0 goes to 1.1.0 (the same
 * jar saying another version) while a client on the internet host keeps asking the site, then a
 * 1.2.0 whose jar does not start is refused node by node and rolled back, then --rollback.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeIT {
    private static final String[] APP_NODES = {"app1", "app2"};
    private static Lab lab;
    private static Path v110;
    private static Path v120;
    private static Path dir;

    @BeforeAll
    static void releasesAndSites(Lab theLab) throws Exception {
        lab = theLab;
        Run.ok("install", "--site", lab.site().toString());
        dir = Files.createTempDirectory("upgrade-it");
        Path original = Lab.repo().resolve("sample-app/target/oth-app-1.0.0.tar.gz");
        Path unpacked = dir.resolve("1.0.0");
        Files.createDirectories(unpacked);
        tar("-xzf", original.toString(), "-C", unpacked.toString());

        Path jar110 = Files.createDirectories(dir.resolve("1.1.0")).resolve("oth-app.jar");
        Files.copy(unpacked.resolve("oth-app.jar"), jar110);
        try (FileSystem zip = FileSystems.newFileSystem(jar110)) {
            Files.writeString(zip.getPath("io/oth/sample/version.properties"), "version=1.1.0\n");
        }
        v110 = bundle("1.1.0", Files.readAllBytes(jar110), "java_options: [-XX:+UseSerialGC, -Xms32m, -Xmx200m]\n");
        v120 = bundle("1.2.0", "not a jar: this release never starts\n".getBytes(), "");
        site("1.1.0", v110);
        site("1.2.0", v120);
    }

    @AfterAll
    static void backTo100() {
        Run.ok("install", "--site", lab.site().toString());
    }

    private static Path bundle(String version, byte[] jar, String more) throws Exception {
        Path d = Files.createDirectories(dir.resolve("bundle-" + version));
        Files.write(d.resolve("oth-app.jar"), jar);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
        Files.writeString(d.resolve("manifest.yml"), "name: oth-app\nversion: " + version + "\nentry: oth-app.jar\nsha256: " + sha
                + "\njava: 17\nport: 8080\nhealth: /healthz\n" + more);
        Path out = dir.resolve("oth-app-" + version + ".tar.gz");
        tar("-czf", out.toString(), "-C", d.toString(), "manifest.yml", "oth-app.jar");
        return TarBuilder.withChecksum(out);
    }

    private static Path site(String version) {
        return lab.dir().resolve("site-" + version + ".yml");
    }

    private static void site(String version, Path bundle) throws IOException {
        Matcher release = Pattern.compile("(?m)^(\\s+release:).*$").matcher(lab.siteText());
        assertTrue(release.find(), lab.siteText());
        Files.writeString(site(version), release.replaceFirst("$1 " + Matcher.quoteReplacement(bundle.toString())));
    }

    private static void tar(String... args) throws Exception {
        Process p = new ProcessBuilder(concat("tar", args)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
    }

    private static List<String> concat(String first, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    /** The running application JVM's command line, as the node's kernel has it. */
    private static String jvm(String node) {
        return lab.exec(node, "sh", "-c", "tr '\\0' ' ' < /proc/$(cat /run/oth-app.pid)/cmdline");
    }

    private static String running(String node) {
        return lab.exec(node, "readlink", "-f", "/opt/oth-app/current").strip();
    }

    @Test
    @Order(1)
    void anUpgradeMovesOneNodeAtATimeWhileTheSiteKeepsAnswering() throws Exception {
        Run plan = Run.oth("upgrade", "--check", "--site", site("1.1.0").toString());
        assertEquals(6, plan.code(), plan::toString);
        assertTrue(plan.out().contains("[app1] would switch from 1.0.0 to 1.1.0"), plan::toString);
        assertTrue(plan.out().lines().anyMatch(l -> l.matches("app2 +0 +2 +pending")), plan::toString);
        assertTrue(plan.out().contains("  app1         1.0.0 -> 1.1.0\n  app2         1.0.0 -> 1.1.0\n"
                + "Nothing was changed (--check); oth upgrade backs up the database first, then does it."), plan::toString);
        for (String node : APP_NODES) {
            assertTrue(lab.tryExec(node, "test", "-e", "/opt/oth-app/releases/1.1.0").exitCode() != 0, "--check stages nothing");
        }

        lab.startRequestLoop();
        Run upgrade = Run.oth("upgrade", "--site", site("1.1.0").toString());
        String client = lab.stopRequestLoop();
        assertEquals(0, upgrade.code(), upgrade::toString);
        assertTrue(upgrade.out().contains("Upgrade from 1.0.0 to 1.1.0 on 2 app node(s), one at a time"), upgrade::toString);
        assertTrue(upgrade.out().contains("preflight: 2 app node(s) healthy and up in haproxy"), upgrade::toString);
        int app1Back = upgrade.out().indexOf("app1: healthy on 1.1.0, back in haproxy");
        int app2Drained = upgrade.out().indexOf("app2: drained in haproxy");
        assertTrue(app1Back > 0 && app2Drained > app1Back, () -> "app2 is drained only after app1 is back\n" + upgrade);
        assertTrue(upgrade.out().contains("Every app node runs 1.1.0."), upgrade::toString);
        for (String node : APP_NODES) {
            assertEquals("/opt/oth-app/releases/1.1.0", running(node));
            assertEquals("/opt/oth-app/releases/1.0.0", lab.exec(node, "readlink", "-f", "/opt/oth-app/previous").strip());
            String jvm = jvm(node);
            assertTrue(jvm.contains(" -Xmx200m ") && !jvm.contains("TieredStopAtLevel"), () -> "the JVM's options switch with the release: " + jvm);
        }
        assertTrue(lab.exec("lb", "curl", "-fsS", "-k", "--resolve", "oth.example.test:443:127.0.0.1", "https://oth.example.test/version")
                .contains("1.1.0"));

        assertTrue(client.lines().count() > 10, client);
        assertTrue(client.lines().allMatch(l -> l.equals("ok")), () -> "the site answered every request during the upgrade\n" + client);

        Matcher backup = Pattern.compile("backup: (oth-\\S+)").matcher(upgrade.out());
        assertTrue(backup.find(), upgrade::toString);
        Run backups = Run.oth("backup", "list", "--site", lab.site().toString());
        assertTrue(backups.out().contains(backup.group(1)), backups::toString);
    }

    @Test
    @Order(2)
    void aHalfFinishedUpgradeIsADoctorWarningAndARerunFinishesIt() throws IOException {
        lab.exec("app2", "sh", "-c", "ln -sfn /opt/oth-app/releases/1.0.0 /opt/oth-app/current && service oth-app restart >/dev/null");
        // as an operator would, wait until the restarted node answers again (through traefik, from the LB) and haproxy has it up
        lab.exec("lb", "sh", "-c", "for i in $(seq 60); do curl -fsS --max-time 2 -H 'Host: oth.example.test' --cacert /etc/haproxy/oth-tls/ca.pem"
                + " --cert /etc/haproxy/oth-tls/client.pem --key /etc/haproxy/oth-tls/client.pem.key"
                + " --resolve app2.lab.internal:80:10.77.0.102 https://app2.lab.internal:80/healthz"
                + " | grep -q '\"version\":\"1.0.0\"' && echo 'show stat' | socat -t 5 stdio unix-connect:/run/haproxy/admin.sock"
                + " | grep -q '^app,app2,.*,UP,' && exit 0; sleep 1; done; exit 1");
        JsonNode app2 = release("app2");
        assertEquals("release 1.0.0", app2.get("target").asText());
        assertEquals("warn", app2.get("verdict").asText());
        assertEquals("the app nodes run different releases (app1 1.1.0, app2 1.0.0)", app2.get("cause").asText());

        Run upgrade = Run.oth("upgrade", "--site", site("1.1.0").toString(), "--no-backup");
        assertEquals(0, upgrade.code(), upgrade::toString);
        assertTrue(upgrade.out().contains("app1: already runs 1.1.0"), upgrade::toString);
        assertTrue(upgrade.out().contains("app2: healthy on 1.1.0, back in haproxy"), upgrade::toString);
        assertEquals("ok", release("app2").get("verdict").asText());
        assertEquals("release 1.1.0", release("app2").get("target").asText());
    }

    /** Doctor's posture.release finding for {@code node}, from its JSON. */
    private static JsonNode release(String node) throws IOException {
        Run doctor = Run.oth("doctor", "--site", site("1.1.0").toString(), "--only", "posture", "--json");
        for (JsonNode f : new ObjectMapper().readTree(doctor.out()).get("data").get("findings")) {
            if (f.get("id").asText().equals("posture.release") && f.get("vantage").asText().equals(node)) {
                return f;
            }
        }
        throw new AssertionError("no posture.release finding for " + node + "\n" + doctor);
    }

    @Test
    @Order(3)
    void runningItAgainChangesNothing() {
        Run again = Run.oth("upgrade", "--site", site("1.1.0").toString());
        assertEquals(0, again.code(), again::toString);
        assertEquals("Every app node runs 1.1.0 already: nothing to do.", again.out().strip());
        Run install = Run.oth("install", "--check", "--site", site("1.1.0").toString());
        assertEquals(0, install.code(), () -> "oth install agrees that the nodes match the site file\n" + install);
    }

    @Test
    @Order(4)
    void withoutHaproxysRuntimeApiNothingIsTouched() {
        lab.exec("lb", "mv", "/run/haproxy/admin.sock", "/run/haproxy/admin.sock.away");
        try {
            Run upgrade = Run.oth("upgrade", "--site", site("1.2.0").toString(), "--no-backup");
            assertEquals(1, upgrade.code(), upgrade::toString);
            assertTrue(upgrade.err().contains("preflight: haproxy's runtime API (/run/haproxy/admin.sock through socat) does not answer on lb"),
                    upgrade::toString);
        } finally {
            lab.exec("lb", "mv", "/run/haproxy/admin.sock.away", "/run/haproxy/admin.sock");
        }
        for (String node : APP_NODES) {
            assertEquals("/opt/oth-app/releases/1.1.0", running(node));
            assertTrue(lab.tryExec(node, "test", "-e", "/opt/oth-app/releases/1.2.0").exitCode() != 0, "nothing staged");
        }
    }

    @Test
    @Order(5)
    void aReleaseThatDoesNotComeUpIsRolledBackAndTheOtherNodesAreNotTouched() throws Exception {
        lab.startRequestLoop();
        Run upgrade = Run.oth("upgrade", "--site", site("1.2.0").toString(), "--no-backup");
        String client = lab.stopRequestLoop();
        assertEquals(1, upgrade.code(), upgrade::toString);
        assertTrue(upgrade.err().contains("app1: oth-app stopped after its start: not running (its log: /var/log/oth-app/app.log"), upgrade::toString);
        assertTrue(upgrade.err().contains("Rolled back: app1 runs 1.1.0 again"), upgrade::toString);
        assertTrue(upgrade.out().contains("app2: staged oth-app 1.2.0"), upgrade::toString);
        assertTrue(!upgrade.out().contains("app2: drained"), () -> "app2 was never taken out\n" + upgrade);
        for (String node : APP_NODES) {
            assertEquals("/opt/oth-app/releases/1.1.0", running(node));
            assertEquals("/opt/oth-app/releases/1.0.0", lab.exec(node, "readlink", "-f", "/opt/oth-app/previous").strip(),
                    "the failed attempt leaves the node's earlier release as it was");
        }
        assertTrue(client.lines().allMatch(l -> l.equals("ok")), () -> "app2 served while app1 failed\n" + client + upgrade
                + "\napp2's traefik, other than 200:\n" + lab.tryExec("app2", "sh", "-c", "grep -v '\" 200 ' /var/log/traefik/traefik.log | tail -20").output());
    }

    @Test
    @Order(6)
    void rollbackReturnsEveryNodeToTheReleaseBefore() {
        Run rollback = Run.oth("upgrade", "--rollback", "--site", site("1.1.0").toString(), "--no-backup");
        assertEquals(0, rollback.code(), rollback::toString);
        assertTrue(rollback.out().contains("Rollback from 1.1.0 to 1.0.0 on 2 app node(s), one at a time"), rollback::toString);
        assertTrue(rollback.out().contains("The site file still names oth-app 1.1.0"), rollback::toString);
        for (String node : APP_NODES) {
            assertEquals("/opt/oth-app/releases/1.0.0", running(node));
            String jvm = jvm(node);
            assertTrue(jvm.contains(" -XX:TieredStopAtLevel=1 ") && !jvm.contains("-Xmx200m"), () -> "1.0.0's options came back with it: " + jvm);
        }
    }
}
