package io.oth.install;

import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hop from the load balancer to the app nodes over mutual TLS (issue 17): traefik serves only
 * TLS with the node's certificate from the site CA and requires haproxy's client certificate;
 * haproxy (and its health checks) connect that way; doctor checks it; {@code oth certs rotate}
 * replaces both certificates while a client keeps asking the site, without a failed request.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LbAppTlsIT {
    private static final String CA = "/etc/haproxy/oth-tls/ca.pem";
    private static final String CLIENT = "/etc/haproxy/oth-tls/client.pem";
    private static final String CLIENT_KEY = "/etc/haproxy/oth-tls/client.pem.key";
    private static final String TRAEFIK_CERT = "/etc/traefik/oth-tls/server-chain.pem";
    private static Lab lab;

    @BeforeAll
    static void installed(Lab theLab) {
        lab = theLab;
        Run.ok("install", "--site", lab.site().toString());
        // install ends once the site answers; a node whose application it restarted may still be
        // starting (traefik checks it every 10 s, haproxy then needs two good answers): wait until
        // haproxy has every node up, as these tests ask each node directly.
        Lab.Result up = lab.tryExec("lb", "sh", "-c", "for i in $(seq 120); do n=$(echo 'show stat' | socat -t 5 stdio unix-connect:/run/haproxy/admin.sock"
                + " | grep -c '^app,app[0-9]*,.*,UP,'); [ \"$n\" -ge " + lab.apps() + " ] && exit 0; sleep 1; done; exit 1");
        assertEquals(0, up.exitCode(), "every app node up in haproxy within 120 s: " + up.output());
    }

    /** curl from the LB to app1's traefik, verifying its certificate against the site CA and its site-internal name. */
    private static List<String> curlApp1(String... extra) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5", "-H", "Host: oth.example.test", "--cacert", CA,
                "--resolve", "app1.lab.internal:80:10.77.0.101"));
        command.addAll(List.of(extra));
        command.add("https://app1.lab.internal:80/healthz");
        return command;
    }

    @Test
    @Order(1)
    void plainHttpFromTheLoadBalancerGetsNoApplicationAnswer() {
        Lab.Result plain = lab.tryExec("lb", "curl", "-sS", "--max-time", "5", "-H", "Host: oth.example.test", "http://10.77.0.101/healthz");
        assertNotEquals(0, plain.exitCode(), plain.output());
        assertFalse(plain.output().contains("\"status\""), plain.output());
    }

    @Test
    @Order(2)
    void traefikRefusesATlsClientWithoutTheLoadBalancersCertificateAndServesOneWithIt() {
        Lab.Result anonymous = lab.tryExec("lb", curlApp1().toArray(String[]::new));
        assertNotEquals(0, anonymous.exitCode(), anonymous.output());
        assertFalse(anonymous.output().contains("\"status\""), anonymous.output());
        assertFalse(anonymous.output().contains("SSL certificate problem"), "traefik's own certificate is the site CA's: " + anonymous.output());

        String answer = lab.exec("lb", curlApp1("--cert", CLIENT, "--key", CLIENT_KEY).toArray(String[]::new));
        assertTrue(answer.contains("\"status\":\"ok\""), answer);

        assertEquals("traefik:traefik 600", lab.exec("app1", "stat", "-c", "%U:%G %a", "/etc/traefik/oth-tls/server.key").strip());
        assertEquals("root:root 600", lab.exec("lb", "stat", "-c", "%U:%G %a", CLIENT_KEY).strip());
    }

    @Test
    @Order(3)
    void throughTheLoadBalancerTheSiteAnswersAndHaproxysTlsHealthChecksHaveEveryNodeUp() {
        String health = lab.exec("inet", "curl", "-sS", "--fail", "--max-time", "10", "--cacert", "/var/lib/oth-lab/trust/site-root.pem",
                "https://oth.example.test/healthz");
        assertTrue(health.contains("\"status\":\"ok\""), health);
        String stat = lab.exec("lb", "sh", "-c", "echo 'show stat' | socat -t 5 stdio unix-connect:/run/haproxy/admin.sock");
        for (int i = 1; i <= lab.apps(); i++) {
            String node = "app" + i;
            assertTrue(stat.lines().anyMatch(l -> l.startsWith("app," + node + ",") && l.contains(",UP,")), stat);
        }
    }

    @Test
    @Order(4)
    void doctorChecksTheMutualTlsHopFromTheLoadBalancer() throws Exception {
        JsonNode findings = doctorPorts();
        int seen = 0;
        for (JsonNode f : findings) {
            if (f.get("id").asText().equals("ports.lb-app") && f.get("target").asText().endsWith(":80")) {
                assertEquals("ok", f.get("verdict").asText(), f::toString);
                assertTrue(f.get("cause").asText().startsWith("mutual TLS: a certificate from the site CA for app"), f::toString);
                seen++;
            }
        }
        assertEquals(lab.apps(), seen, findings::toString);
    }

    @Test
    @Order(5)
    void certsStatusListsTraefiksAndHaproxysCertificates() {
        Run status = Run.oth("certs", "status", "--site", lab.site().toString());
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().lines().anyMatch(l -> l.matches("lb +haproxy +\\S+ +\\d+ +site CA")), status::toString);
        assertTrue(status.out().lines().anyMatch(l -> l.matches("app1 +traefik +\\S+ +\\d+ +site CA")), status::toString);
        assertTrue(status.out().lines().anyMatch(l -> l.matches("storage +mariadb +\\S+ +\\d+ +site CA")), status::toString);
    }

    @Test
    @Order(6)
    void rotatingTraefiksAndHaproxysCertificatesFailsNoRequest() throws Exception {
        String traefikBefore = serial("app1", TRAEFIK_CERT);
        String haproxyBefore = serial("lb", CLIENT);

        lab.startRequestLoop();
        Run rotate = Run.oth("certs", "rotate", "--service", "traefik,haproxy", "--site", lab.site().toString());
        // New handshakes get the new certificate once traefik has re-read its dynamic file: keep asking a little longer.
        Thread.sleep(3_000);
        String client = lab.stopRequestLoop();
        assertEquals(0, rotate.code(), rotate::toString);
        assertTrue(rotate.out().contains("[app1] load traefik's new certificate"), rotate::toString);
        assertFalse(rotate.out().contains("restart traefik"), "traefik is not restarted: " + rotate);
        assertTrue(rotate.out().contains("[lb] reload haproxy"), rotate::toString);

        List<String> answers = client.lines().toList();
        assertTrue(answers.size() >= 10, "the client asked all along: " + client);
        assertTrue(answers.stream().allMatch("ok"::equals), "no request failed during the rotation:\n" + client);

        String traefikAfter = serial("app1", TRAEFIK_CERT);
        assertNotEquals(traefikBefore, traefikAfter, "a new traefik certificate on app1");
        assertNotEquals(haproxyBefore, serial("lb", CLIENT), "a new client certificate for haproxy");
        // traefik serves the new one (re-read without a restart), and takes haproxy's new client certificate.
        String served = lab.exec("lb", "sh", "-c", "openssl s_client -connect 10.77.0.101:80 -servername app1.lab.internal -CAfile " + CA
                + " -cert " + CLIENT + " -key " + CLIENT_KEY + " </dev/null 2>/dev/null | openssl x509 -noout -serial");
        assertEquals(traefikAfter, served.strip());
        assertTrue(lab.exec("lb", curlApp1("--cert", CLIENT, "--key", CLIENT_KEY).toArray(String[]::new)).contains("\"status\":\"ok\""));
        assertEquals(List.of(), notOk(doctorPorts()));
    }

    @Test
    @Order(7)
    void aRerunOfInstallChangesNothing() {
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("install: 0 change(s) made, 0 host(s) failed"), run::toString);
    }

    @Test
    @Order(8)
    void doctorFailsATraefikThatAnswersPlainHttpAndInstallPutsTlsBack() throws Exception {
        lab.exec("app2", "sh", "-c", "sed -i '/^    http:$/d; /^      tls: {}$/d' /etc/traefik/traefik.yml && service traefik restart >/dev/null");
        lab.exec("lb", "sh", "-c", "for i in $(seq 60); do curl -fsS --max-time 2 -o /dev/null -H 'Host: oth.example.test' http://10.77.0.102/healthz"
                + " && exit 0; sleep 1; done; exit 1");
        JsonNode plain = null;
        for (JsonNode f : doctorPorts()) {
            if (f.get("id").asText().equals("ports.lb-app") && f.get("target").asText().equals("10.77.0.102:80")) {
                plain = f;
            }
        }
        assertTrue(plain != null);
        assertEquals("fail", plain.get("verdict").asText(), plain::toString);
        assertTrue(plain.get("cause").asText().matches("answers plain HTTP \\(status \\d{3}\\), not TLS"), plain::toString);

        Run install = Run.ok("install", "--site", lab.site().toString());
        assertTrue(install.out().contains("[app2] restart traefik"), install::toString);
        // traefik has been started again; it answers (over mutual TLS) once its JVM is up
        lab.exec("lb", "sh", "-c", "for i in $(seq 60); do curl -fsS --max-time 2 -o /dev/null -H 'Host: oth.example.test' --cacert " + CA
                + " --cert " + CLIENT + " --key " + CLIENT_KEY + " --resolve app2.lab.internal:80:10.77.0.102 https://app2.lab.internal:80/healthz"
                + " && exit 0; sleep 1; done; exit 1");
        assertEquals(List.of(), notOk(doctorPorts()));
    }

    /** The findings that are not OK, one line each. */
    private static List<String> notOk(JsonNode findings) {
        List<String> lines = new ArrayList<>();
        findings.forEach(f -> {
            if (!f.get("verdict").asText().equals("ok")) {
                lines.add(f.toString());
            }
        });
        return lines;
    }

    /** The port-matrix findings of a doctor run, as JSON. */
    private static JsonNode doctorPorts() throws Exception {
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "ports", "--all", "--json");
        return new ObjectMapper().readTree(doctor.out()).get("data").get("findings");
    }

    private static String serial(String node, String certificate) {
        return lab.exec(node, "openssl", "x509", "-noout", "-serial", "-in", certificate).strip();
    }

}
