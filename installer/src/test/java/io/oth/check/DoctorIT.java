package io.oth.check;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code oth doctor} on an installed lab: green, then one fault at a time, each named with its check, node and cause. */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DoctorIT {
    private static Lab lab;

    @TempDir
    Path tmp;

    @BeforeAll
    static void install(Lab theLab) {
        lab = theLab;
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
    }

    private static Run doctor(String... more) {
        String[] args = new String[more.length + 3];
        args[0] = "doctor";
        args[1] = "--site";
        args[2] = lab.site().toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return Run.oth(args);
    }

    private static void assertLine(Run run, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(run.out()).find(), () -> regex + "\n" + run);
    }

    @Test
    @Order(1)
    void anInstalledSiteIsGreen() throws Exception {
        Run run = doctor();
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains(" 0 warnings, 0 failures"), run::toString);
        assertLine(run, "✓ dns\\.fqdn\\s+oth\\.example\\.test\\s+resolves to the load balancer 203\\.0\\.113\\.20");
        assertLine(run, "✓ certs\\.served\\s+203\\.0\\.113\\.20:443\\s+order, chain, name and expiry are right");
        assertLine(run, "✓ ports\\.app-storage\\s+10\\.77\\.0\\.20:5671\\s+connected");
        assertLine(run, "✓ outbound\\.android_push\\s+fcm\\.googleapis\\.com:443");
        assertLine(run, "✓ posture\\.firewall");

        Run json = doctor("--json", "--only", "dns", "--node", "app1");
        assertEquals(0, json.code(), json::toString);
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertEquals("oth-doctor/1", doc.get("schema").asText());
        assertEquals("oth.example.test", doc.get("fqdn").asText());
        assertEquals(0, doc.get("summary").get("fail").asInt());
        com.fasterxml.jackson.databind.JsonNode fqdn = doc.get("findings").get(0);
        assertEquals("dns.fqdn", fqdn.get("id").asText(), json::toString);
        assertEquals("app1", fqdn.get("vantage").asText());
        assertEquals("ok", fqdn.get("verdict").asText());
    }

    @Test
    @Order(2)
    void anUnreachablePushEndpointFailsWhenAndroidPushIsOnAndIsSkippedWhenOff() throws Exception {
        lab.lab("endpoint", "down", "fcm", "timeout");
        try {
            Run on = doctor("--only", "outbound");
            assertEquals(ExitCode.FAILED.code(), on.code(), on::toString);
            assertLine(on, "^from app1:$");
            assertLine(on, "✗ outbound\\.android_push\\s+fcm\\.googleapis\\.com:443\\s+no answer \\(filtered or down\\)");
            assertLine(on, "✓ outbound\\.sms\\s+api\\.twilio\\.com:443\\s+connected");

            Path site = tmp.resolve("site.yml");
            Files.writeString(site, lab.siteText().replace("features: [android_push, ios_push, sms, video]", "features: [ios_push, sms, video]"));
            Run off = Run.oth("doctor", "--site", site.toString(), "--only", "outbound");
            assertEquals(0, off.code(), off::toString);
            assertLine(off, "- outbound\\.android_push\\s+fcm\\.googleapis\\.com:443\\s+feature android_push is off");
        } finally {
            lab.lab("endpoint", "up", "fcm");
        }
    }

    @Test
    @Order(3)
    void aMissingOrWrongFqdnRecordIsNamedWithTheAnswerAndTheNameserver() {
        lab.lab("dns", "set", "oth.example.test");
        try {
            Run missing = doctor("--only", "dns");
            assertEquals(ExitCode.FAILED.code(), missing.code(), missing::toString);
            assertLine(missing, "✗ dns\\.fqdn\\s+oth\\.example\\.test\\s+does not resolve \\(nameserver 203\\.0\\.113\\.53\\)");
            lab.lab("dns", "set", "oth.example.test", "203.0.113.99");
            Run wrong = doctor("--only", "dns", "--node", "app2");
            assertEquals(ExitCode.FAILED.code(), wrong.code(), wrong::toString);
            assertLine(wrong, "✗ dns\\.fqdn\\s+oth\\.example\\.test\\s+resolves to 203\\.0\\.113\\.99, not the load balancer's 203\\.0\\.113\\.20");
            assertFalse(wrong.out().contains("from app1:"), () -> "--node app2 shows app2's view only\n" + wrong);
        } finally {
            lab.lab("dns", "set", "oth.example.test", "203.0.113.20");
        }
    }

    @Test
    @Order(4)
    void aFirewallDropIsToldApartFromAStoppedService() {
        lab.exec("storage", "nft", "insert", "rule", "inet", "oth", "input", "ip", "saddr", "10.77.0.102", "tcp", "dport", "5671", "drop");
        Run dropped = doctor("--only", "ports");
        assertEquals(ExitCode.FAILED.code(), dropped.code(), dropped::toString);
        assertLine(dropped, "✗ ports\\.app-storage\\s+10\\.77\\.0\\.20:5671\\s+no answer \\(filtered or down\\)");
        assertTrue(dropped.out().contains("check the nftables rule on the target for 10.77.0.102"), dropped::toString);
        assertLine(dropped, "(?s)from app1:.*✓ ports\\.app-storage\\s+10\\.77\\.0\\.20:5671\\s+connected.*from app2:");
        Run repaired = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, repaired.code(), repaired::toString);
        assertTrue(repaired.out().contains("[storage] restore the firewall ruleset (the live rules drifted"), repaired::toString);

        // RabbitMQ's application stopped (the Erlang node stays): its listeners are gone
        lab.exec("storage", "rabbitmqctl", "-q", "stop_app");
        try {
            Run stopped = doctor("--only", "ports", "--node", "app1");
            assertEquals(ExitCode.FAILED.code(), stopped.code(), stopped::toString);
            assertLine(stopped, "✗ ports\\.app-storage\\s+10\\.77\\.0\\.20:5671\\s+connection refused");
            assertTrue(stopped.out().contains("nothing listens on 10.77.0.20:5671: is the service running there?"), stopped::toString);
        } finally {
            lab.exec("storage", "rabbitmqctl", "-q", "start_app");
        }
    }

    @Test
    @Order(5)
    void anAppNodeWithSshdDownIsNamedAndTheRestIsStillChecked() {
        lab.exec("app2", "service", "ssh", "stop");
        try {
            Run run = doctor("--only", "reach,outbound");
            assertEquals(ExitCode.FAILED.code(), run.code(), run::toString);
            assertLine(run, "✗ reach\\.node\\s+app2\\s+app2: refused SSH from the bastion");
            assertLine(run, "✓ reach\\.node\\s+app1");
            assertLine(run, "(?s)from app1:.*✓ outbound\\.sms");
        } finally {
            lab.exec("app2", "service", "ssh", "start");
        }
    }

    @Test
    @Order(6)
    void anExtraOpenPortOnStorageIsAFinding() {
        lab.exec("storage", "sh", "-c", "setsid -f socat TCP-LISTEN:7777,fork,reuseaddr /dev/null </dev/null >/dev/null 2>&1");
        try {
            Run run = doctor("--only", "posture", "--node", "storage");
            assertEquals(ExitCode.WARNINGS.code(), run.code(), run::toString);
            assertLine(run, "! posture\\.listen\\s+sockets\\s+also listens on \\S*:7777");
        } finally {
            lab.exec("storage", "sh", "-c", "pkill -f '^socat TCP-LISTEN:7777' || true");
        }
    }
}
