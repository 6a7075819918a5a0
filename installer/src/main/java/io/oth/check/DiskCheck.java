package io.oth.check;

import io.oth.install.NodeLayout;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.NodeText;
import io.oth.remote.Sizes;
import io.oth.site.Node;
import io.oth.site.Role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * posture.disk: room on the file systems the node's services write to. A full disk fails in ways
 * that look like something else: RabbitMQ blocks every publisher once its disk's free space falls
 * below its limit, MariaDB and MinIO stop writing, the logs stop. Read with one {@code df -P} of
 * the places that matter on the node's role; each file system is one finding, by its mount point.
 * What the node prints is parsed into numbers and a mount point, bounded, and only ever makes these
 * findings.
 */
final class DiskCheck implements NodeCheck {
    static final String ID = "posture.disk";
    /** From this share used on, a warning. */
    static final int WARN_PERCENT = 90;
    /** From this share used on, a failure; also below {@link #FAIL_FREE_SHARE} % or {@link #FAIL_FREE_KIB} free, whichever is less. */
    static final int FAIL_PERCENT = 98;
    static final int FAIL_FREE_SHARE = 5;
    static final long FAIL_FREE_KIB = 256 * 1024;
    private static final int MAX_LINES = 32;
    private static final Pattern NUMBER = Pattern.compile("\\d{1,18}");
    private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9/._+-]{0,200}");
    private static final String HINT = "the node's services stop when it fills: RabbitMQ blocks every publisher below its free-space limit, MariaDB and MinIO"
            + " stop writing, the logs stop; make room there or give it more";

    static List<CheckInfo> checks() {
        return List.of(new CheckInfo(ID, "room on the file systems of /, /var and /tmp, of /opt on the app and storage nodes (what oth unpacks), and on the storage node of MariaDB's, "
                + "RabbitMQ's and MinIO's data: a warning from "
                + WARN_PERCENT + " % used, a failure from " + FAIL_PERCENT + " % or with less than " + FAIL_FREE_SHARE + " % (at most "
                + FAIL_FREE_KIB / 1024 + " MiB) free", List.of(Vantage.LB, Vantage.APP, Vantage.STORAGE)));
    }

    /** The places whose file systems count on {@code node}: where its services write. */
    static List<String> places(Node node) {
        List<String> places = new ArrayList<>(List.of("/", "/var", "/tmp"));
        // Where oth unpacks releases and keeps their bundles: /opt itself too, so that a preflight sees its room before they exist.
        if (node.role().equals(Role.APP)) {
            places.addAll(List.of("/opt", NodeLayout.APP_HOME, NodeLayout.TRAEFIK_HOME));
        }
        if (node.role().equals(Role.STORAGE)) {
            places.addAll(List.of("/opt", NodeLayout.MINIO_HOME, "/var/lib/mysql", "/var/lib/rabbitmq", NodeLayout.MINIO_DATA));
        }
        return places;
    }

    @Override
    public List<Probe> probes(Node node) {
        // A place that does not exist (no MinIO on a site with external object storage) is left out by df, on stderr.
        return List.of(Probe.inShell(ID, "df -P -k " + String.join(" ", places(node).stream().map(Command::quote).toList()) + " 2>/dev/null; true"));
    }

    @Override
    public List<Finding> findings(Node node, Map<String, Probe.Answer> answers) {
        Probe.Answer answer = answers.get(ID);
        Map<String, long[]> byMount = new LinkedHashMap<>();
        if (answer != null) {
            answer.output().lines().limit(MAX_LINES).forEach(line -> {
                String[] f = line.trim().split("\\s+", 6);
                if (f.length == 6 && NUMBER.matcher(f[2]).matches() && NUMBER.matcher(f[3]).matches()) {
                    byMount.putIfAbsent(f[5], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            });
        }
        if (byMount.isEmpty()) {
            String seen = answer == null ? "no answer" : NodeText.shown(answer.output().strip());
            return List.of(new Finding(ID, node.name(), "file systems", Verdict.WARN, "the free space could not be read: " + seen, "df -P -k must work on the node"));
        }
        List<Finding> findings = new ArrayList<>();
        byMount.forEach((mount, usedFree) -> {
            if (usedFree[0] + usedFree[1] > 0) {
                findings.add(finding(node.name(), mount, usedFree[0], usedFree[1]));
            }
        });
        return findings;
    }

    static Finding finding(String node, String mount, long usedKib, long freeKib) {
        String target = PLAIN_PATH.matcher(mount).matches() ? mount : NodeText.shown(mount);
        long size = usedKib + freeKib;
        // As df rounds its Capacity: up
        int percent = (int) ((usedKib * 100 + size - 1) / size);
        String said = percent + " % used, " + Sizes.ofKib(freeKib) + " free";
        if (percent >= FAIL_PERCENT || freeKib < Math.min(FAIL_FREE_KIB, size * FAIL_FREE_SHARE / 100)) {
            return new Finding(ID, node, target, Verdict.FAIL, said, HINT);
        }
        if (percent >= WARN_PERCENT) {
            return new Finding(ID, node, target, Verdict.WARN, said, HINT);
        }
        return Finding.ok(ID, node, target, said);
    }
}
