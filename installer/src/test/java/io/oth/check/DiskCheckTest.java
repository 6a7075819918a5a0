package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.disk: one df of the places a node's services write to in, a finding per file system out. */
class DiskCheckTest {
    private final Site site = Sites.lab();

    private List<String> seen(String node, String df) {
        Node n = Sites.node(site, node);
        DiskCheck check = new DiskCheck();
        return check.findings(n, Map.of(check.probes(n).get(0).key(), new Probe.Answer(0, df)))
                .stream().map(f -> f.target() + " " + f.verdict() + " " + f.cause()).toList();
    }

    @Test
    void eachFileSystemOnceByItsMountPointWithItsShareUsedAndWhatIsFree() {
        String df = """
                Filesystem     1024-blocks     Used Available Capacity Mounted on
                /dev/vda         264212084 27600740  78790172      26% /
                /dev/vda         264212084 27600740  78790172      26% /
                tmpfs                 8192     7577       615      93% /tmp
                /dev/vdb           1048576  1040000      8576     100% /var/lib/my data
                """;
        assertEquals(List.of("/ OK 26 % used, 75.1 GiB free", "/tmp WARN 93 % used, 615 KiB free",
                "\"/var/lib/my data\" FAIL 100 % used, 8 MiB free"), seen("storage", df));
    }

    @Test
    void littleRoomLeftOnALargeFileSystemIsAFailureBeforeItsShareSaysSo() {
        // 97 % of 100 GiB leaves 3 GiB: a warning; 200 MiB of 100 GiB: a failure though it rounds to 100 % only at the very end
        assertEquals(Verdict.WARN, DiskCheck.finding("app1", "/var", 100L * 1024 * 1024 - 3 * 1024 * 1024, 3 * 1024 * 1024).verdict());
        assertEquals(Verdict.FAIL, DiskCheck.finding("app1", "/var", 100L * 1024 * 1024 - 200 * 1024, 200 * 1024).verdict());
        assertEquals(Verdict.OK, DiskCheck.finding("app1", "/var", 80, 20).verdict());
        assertTrue(DiskCheck.finding("app1", "/", 99, 1).hint().contains("RabbitMQ blocks every publisher"));
    }

    @Test
    void whatIsNotDfsAnswerIsAWarningShownEscapedAndBounded() {
        assertEquals(List.of("file systems WARN the free space could not be read: \"sh: df: not found\""), seen("app1", "sh: df: not found"));
        List<String> hostile = seen("app1", "x 1 2 3 4 /\u001b[2J\nx 1 99999999999999999999 3 4 /big\n");
        assertEquals(List.of("\"/\\u001b[2J\" OK 40 % used, 3 KiB free"), hostile, "a number too long for df is no number");
    }

    @Test
    void theStorageNodeAlsoCountsItsServicesDataAndTheProbeIsOneDf() throws Exception {
        assertEquals(List.of("/", "/var", "/tmp"), DiskCheck.places(Sites.node(site, "lb")));
        assertEquals(List.of("/", "/var", "/tmp", "/opt", "/opt/oth-app/", "/opt/traefik/"), DiskCheck.places(Sites.node(site, "app1")));
        assertTrue(DiskCheck.places(Sites.node(site, "storage")).containsAll(List.of("/opt", "/opt/minio/", "/var/lib/mysql", "/var/lib/rabbitmq", "/var/lib/minio")));
        String script = new DiskCheck().probes(Sites.node(site, "storage")).get(0).script();
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "places that do not exist here are left out, not a failure");
        List<String> findings = seen("storage", out);
        assertTrue(findings.stream().anyMatch(f -> f.startsWith("/ ")), findings::toString);
    }
}
