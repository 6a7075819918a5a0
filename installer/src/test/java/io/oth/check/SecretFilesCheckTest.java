package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.secrets: the owner and mode of each secret file as stat reports them in, a finding per file out. */
class SecretFilesCheckTest {
    private final Site site = Sites.lab();
    private final SecretFilesCheck check = new SecretFilesCheck(site);

    /** The findings when the node's one stat says of each file what {@code perFile} gives (its owner and mode, or absent). */
    private List<String> seen(String node, Function<String, String> perFile) {
        Node n = Sites.node(site, node);
        List<Probe> probes = check.probes(n);
        assertEquals(1, probes.size(), "one probe for all of a node's secret files");
        String output = String.join("\n", io.oth.install.NodeLayout.secretFiles(site, n).stream()
                .map(f -> perFile.apply(f.path()) + " " + f.path()).toList()) + "\n";
        return findings(n, new Probe.Answer(0, output));
    }

    private List<String> findings(Node n, Probe.Answer answer) {
        return check.findings(n, Map.of(check.probes(n).get(0).key(), answer)).stream().map(f -> f.target() + " " + f.verdict() + " " + f.cause()).toList();
    }

    @Test
    void eachNodeHasItsOwnSecretFilesAsInstallWritesThem() {
        assertEquals(List.of("/etc/oth-app/secrets/database.password OK oth-app:oth-app 0600",
                        "/etc/oth-app/secrets/broker.password OK oth-app:oth-app 0600", "/etc/oth-app/secrets/objects.secret OK oth-app:oth-app 0600",
                        "/etc/traefik/oth-tls/server.key OK traefik:traefik 0600"),
                seen("app1", path -> path.endsWith("server.key") ? "traefik:traefik 600" : "oth-app:oth-app 600"));
        assertEquals(List.of("/etc/haproxy/certs/" + site.fqdn() + ".pem OK root:root 0600", "/etc/haproxy/oth-tls/client.pem.key OK root:root 0600"),
                seen("lb", path -> "root:root 600"));
        assertEquals(List.of("/etc/mysql/oth-encryption/keyfile OK mysql:mysql 0400", "/etc/oth/backup-s3.curl OK root:root 0600",
                        "/etc/default/minio OK root:root 0600"),
                seen("storage", path -> path.endsWith("keyfile") ? "mysql:mysql 400" : "root:root 600"));
    }

    @Test
    void aSecretMadeReadableOrGivenAwayIsAFailureAndAMissingOneAWarning() {
        List<String> findings = seen("app1", path -> path.endsWith("database.password") ? "oth-app:oth-app 644"
                : path.endsWith("broker.password") ? "root:root 600" : "absent");
        assertEquals(List.of("/etc/oth-app/secrets/database.password FAIL \"oth-app:oth-app 644\", not oth-app:oth-app 0600",
                "/etc/oth-app/secrets/broker.password FAIL \"root:root 600\", not oth-app:oth-app 0600",
                "/etc/oth-app/secrets/objects.secret WARN absent", "/etc/traefik/oth-tls/server.key WARN absent"), findings);
    }

    @Test
    void theProbeRunsOneStatAndItsAnswerNamesEachFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Node app = Sites.node(site, "app1");
        String script = check.probes(app).get(0).script();
        // The node's real paths, moved under a scratch directory: one file there, one unreadable directory's, the rest absent.
        String database = dir + "/etc/oth-app/secrets/database.password";
        String key = dir + "/etc/traefik/oth-tls/server.key";
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(database).getParent());
        java.nio.file.Files.writeString(java.nio.file.Path.of(database), "x");
        java.nio.file.Files.setPosixFilePermissions(java.nio.file.Path.of(database), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String moved = script.replace(" /etc/", " " + dir + "/etc/");
        Process p = new ProcessBuilder("sh", "-c", moved).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        String owner = java.nio.file.Files.getOwner(java.nio.file.Path.of(database)).getName() + ":"
                + new String(new ProcessBuilder("id", "-gn").start().getInputStream().readAllBytes()).strip();
        assertEquals(owner + " 600 " + database + "\nabsent " + dir + "/etc/oth-app/secrets/broker.password\nabsent " + dir
                + "/etc/oth-app/secrets/objects.secret\nabsent " + key + "\n", sortedAbsentFirst(out, database), out);
        assertEquals(0, rc);
    }

    /** stat's line after the absent ones, as the script prints them: put back in the order of the files. */
    private static String sortedAbsentFirst(String out, String first) {
        List<String> lines = new java.util.ArrayList<>(out.lines().toList());
        lines.sort(java.util.Comparator.comparing((String l) -> !l.endsWith(first)));
        return String.join("\n", lines) + "\n";
    }

    @Test
    void aFileStatCannotReadIsAFailureThatSaysWhatStatSaid() {
        Node app = Sites.node(site, "app1");
        List<String> findings = findings(app, new Probe.Answer(1, "stat: cannot statx '/etc/oth-app/secrets/database.password': Permission denied\n"
                + "oth-app:oth-app 600 /etc/oth-app/secrets/broker.password\nabsent /etc/oth-app/secrets/objects.secret\n"
                + "traefik:traefik 600 /etc/traefik/oth-tls/server.key\n"));
        assertEquals(List.of("/etc/oth-app/secrets/database.password FAIL cannot read it: \"stat: cannot statx '/etc/oth-app/secrets/database.password': "
                        + "Permission denied\", not oth-app:oth-app 0600", "/etc/oth-app/secrets/broker.password OK oth-app:oth-app 0600",
                "/etc/oth-app/secrets/objects.secret WARN absent", "/etc/traefik/oth-tls/server.key OK traefik:traefik 0600"), findings);
        // A line that only looks like another file's (a path with more in front) answers nothing for this one.
        assertTrue(findings(app, new Probe.Answer(0, "root:root 600 /x/etc/oth-app/secrets/database.password\n")).get(0)
                .startsWith("/etc/oth-app/secrets/database.password FAIL cannot read it"));
    }
}
