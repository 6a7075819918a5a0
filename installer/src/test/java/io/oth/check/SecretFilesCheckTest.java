package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Node;
import io.oth.site.Site;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** posture.secrets: the owner and mode of each secret file as stat reports them in, a finding per file out. */
class SecretFilesCheckTest {
    private final Site site = Sites.lab();
    private final SecretFilesCheck check = new SecretFilesCheck(site);

    private List<String> seen(String node, Function<String, Probe.Answer> answer) {
        Node n = Sites.node(site, node);
        Map<String, Probe.Answer> answers = new HashMap<>();
        check.probes(n).forEach(p -> answers.put(p.key(), answer.apply(p.key())));
        return check.findings(n, answers).stream().map(f -> f.target() + " " + f.verdict() + " " + f.cause()).toList();
    }

    @Test
    void eachNodeHasItsOwnSecretFilesAsInstallWritesThem() {
        assertEquals(List.of("/etc/oth-app/secrets/database.password OK oth-app:oth-app 0600",
                        "/etc/oth-app/secrets/broker.password OK oth-app:oth-app 0600", "/etc/oth-app/secrets/objects.secret OK oth-app:oth-app 0600",
                        "/etc/traefik/oth-tls/server.key OK traefik:traefik 0600"),
                seen("app1", key -> new Probe.Answer(0, key.endsWith("server.key") ? "traefik:traefik 600\n" : "oth-app:oth-app 600\n")));
        assertEquals(List.of("/etc/haproxy/certs/" + site.fqdn() + ".pem OK root:root 0600", "/etc/haproxy/oth-tls/client.pem.key OK root:root 0600"),
                seen("lb", key -> new Probe.Answer(0, "root:root 600\n")));
        assertEquals(List.of("/etc/mysql/oth-encryption/keyfile OK mysql:mysql 0400", "/etc/oth/backup-s3.curl OK root:root 0600",
                        "/etc/default/minio OK root:root 0600"),
                seen("storage", key -> new Probe.Answer(0, key.endsWith("keyfile") ? "mysql:mysql 400\n" : "root:root 600\n")));
    }

    @Test
    void aSecretMadeReadableOrGivenAwayIsAFailureAndAMissingOneAWarning() {
        List<String> findings = seen("app1", key -> new Probe.Answer(0, key.endsWith("database.password") ? "oth-app:oth-app 644\n"
                : key.endsWith("broker.password") ? "root:root 600\n" : "absent\n"));
        assertEquals(List.of("/etc/oth-app/secrets/database.password FAIL \"oth-app:oth-app 644\", not oth-app:oth-app 0600",
                "/etc/oth-app/secrets/broker.password FAIL \"root:root 600\", not oth-app:oth-app 0600",
                "/etc/oth-app/secrets/objects.secret WARN absent", "/etc/traefik/oth-tls/server.key WARN absent"), findings);
    }
}
