package io.oth.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oth secrets rotate} on the installed lab (issue 17): while a client on the internet host
 * keeps asking the site, the application moves to the other MariaDB account of its pair with a
 * fresh password, node by node; no request fails, the old password no longer logs in and the new
 * one does, doctor reports the new credential's age, and install afterwards changes nothing.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsRotateIT {
    private static final String STORAGE = "10.77.0.20";
    private static final String[] APP_NODES = {"app1", "app2"};
    /**
     * Where the test keeps copies of passwords on app1 to try them later: its own directory, removed afterwards, so that
     * no copy is left where SecretsStayHomeIT looks for leaks (logs, histories, /root).
     */
    private static final String KEPT = "/tmp/oth-it-rotate";
    private static Lab lab;

    @BeforeAll
    static void installed(Lab theLab) {
        lab = theLab;
        lab.exec("app1", "sh", "-c", "rm -rf " + KEPT + "; mkdir -m 700 " + KEPT);
        Run.ok("install", "--site", lab.site().toString());
    }


    @AfterAll
    static void forgetTheCopies() {
        lab.exec("app1", "rm", "-rf", KEPT);
    }

    /** A TLS login to the application's database from app1 as {@code user}, the password read from {@code file} there (never on a command line). */
    private static Lab.Result login(String user, String file) {
        return lab.tryExec("app1", "sh", "-c", "MYSQL_PWD=$(cat " + file + ") mariadb --ssl --ssl-ca=/etc/oth-app/site-ca.pem -h " + STORAGE
                + " -u " + user + " -N -B -e 'SELECT 1' oth 2>&1");
    }

    /** The account of the database pair the site's secrets say the application uses (the operator's state outlives a lab). */
    private static String activeDatabaseUser() throws Exception {
        return Secrets.open(StateDir.of(SiteLoader.load(lab.site()).name()).resolve("secrets.yml")).active("database").orElse("oth");
    }

    private static String other(String user) {
        return user.equals("oth") ? "oth_b" : "oth";
    }

    private static String databaseUser(String node) {
        return lab.exec(node, "sh", "-c", "grep '^database.user=' /etc/oth-app/app.properties").strip();
    }

    @Test
    @Order(1)
    void theApplicationMovesToTheOtherAccountWithoutAFailedRequest() throws Exception {
        String from = activeDatabaseUser();
        String to = other(from);
        assertEquals("database.user=" + from, databaseUser("app1"));
        lab.exec("app1", "sh", "-c", "umask 077; cp /etc/oth-app/secrets/database.password " + KEPT + "/old-database.password");
        assertEquals("1", login(from, KEPT + "/old-database.password").output().strip());

        lab.startRequestLoop();
        Run rotate = Run.oth("secrets", "rotate", "--service", "database", "--site", lab.site().toString());
        String client = lab.stopRequestLoop();
        assertEquals(0, rotate.code(), rotate::toString);
        assertTrue(rotate.out().contains("database: the application uses " + to + " with a new password; " + from + " no longer logs in"), rotate::toString);
        int app1Back = rotate.out().indexOf("app1: healthy, back in haproxy");
        int app2Drained = rotate.out().indexOf("app2: drained in haproxy");
        assertTrue(app1Back > 0 && app2Drained > app1Back, () -> "app2 is drained only after app1 is back\n" + rotate);
        assertTrue(client.lines().count() > 10, client);
        assertTrue(client.lines().allMatch(l -> l.equals("ok")), () -> "the site answered every request during the rotation\n" + client);

        for (String node : APP_NODES) {
            assertEquals("database.user=" + to, databaseUser(node));
        }
        Lab.Result old = login(from, KEPT + "/old-database.password");
        assertNotEquals(0, old.exitCode(), old::toString);
        assertTrue(old.output().contains("locked"), old::toString);
        assertEquals("1", login(to, "/etc/oth-app/secrets/database.password").output().strip());
        Lab.Result oldOnNew = login(to, KEPT + "/old-database.password");
        assertNotEquals(0, oldOnNew.exitCode(), "the old password is not the new account's either");

        Secrets secrets = Secrets.open(StateDir.of(SiteLoader.load(lab.site()).name()).resolve("secrets.yml"));
        assertEquals(to, secrets.active("database").orElseThrow());
        assertTrue(secrets.rotating("database").isEmpty());
    }

    @Test
    @Order(2)
    void doctorReportsTheNewCredentialsAge() throws Exception {
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--json");
        JsonNode found = null;
        for (JsonNode f : new ObjectMapper().readTree(doctor.out()).get("data").get("findings")) {
            if (f.get("id").asText().equals("posture.credentials") && f.get("target").asText().equals("mariadb." + activeDatabaseUser())) {
                found = f;
            }
            if (f.get("id").asText().equals("posture.database") || f.get("id").asText().equals("service.database")) {
                assertEquals("ok", f.get("verdict").asText(), f::toString);
            }
        }
        assertTrue(found != null, doctor::toString);
        assertEquals("ok", found.get("verdict").asText(), found::toString);
        assertTrue(found.get("cause").asText().contains(" 0 day(s) old, limit 90"), found::toString);
    }

    @Test
    @Order(3)
    void installAfterwardsChangesNothing() throws Exception {
        Run install = Run.ok("install", "--site", lab.site().toString());
        assertTrue(install.out().contains("install: 0 change(s) made"), install::toString);
        assertEquals("database.user=" + activeDatabaseUser(), databaseUser("app1"));
    }

    @Test
    @Order(4)
    void aSecondRotationGoesBackToTheFirstAccountWithAnotherPassword() throws Exception {
        String from = activeDatabaseUser();
        String to = other(from);
        String broker = lab.exec("app2", "sh", "-c", "grep '^broker.user=' /etc/oth-app/app.properties").strip().substring("broker.user=".length());
        String brokerTo = broker.equals("oth-app") ? "oth-app-b" : "oth-app";
        lab.exec("app1", "sh", "-c", "umask 077; cp /etc/oth-app/secrets/database.password " + KEPT + "/b-database.password");
        lab.startRequestLoop();
        Run rotate = Run.oth("secrets", "rotate", "--site", lab.site().toString());
        String client = lab.stopRequestLoop();
        assertEquals(0, rotate.code(), rotate::toString);
        assertTrue(rotate.out().contains("rotate: 3 rotation(s) done"), rotate::toString);
        assertTrue(client.lines().allMatch(l -> l.equals("ok")), () -> "the site answered every request during the rotation\n" + client);
        assertEquals("database.user=" + to, databaseUser("app2"));
        assertEquals("1", login(to, "/etc/oth-app/secrets/database.password").output().strip());
        assertNotEquals(0, login(to, KEPT + "/old-database.password").exitCode(), "the account's password of two rotations ago stays dead");
        assertNotEquals(0, login(from, KEPT + "/b-database.password").exitCode(), from + " is locked now");
        assertTrue(lab.exec("app2", "cat", "/etc/oth-app/app.properties").contains("broker.user=" + brokerTo + "\n"));
        assertTrue(lab.exec("app2", "cat", "/etc/oth-app/app.properties").contains("objects.access_key=" + brokerTo + "\n"));
        java.util.List<String> users = lab.exec("storage", "sh", "-c", "rabbitmqctl -q list_users --no-table-headers | cut -f1").lines().toList();
        assertTrue(users.contains(brokerTo) && !users.contains(broker), users::toString);
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(0, check.code(), () -> "a second install plans nothing: " + check);
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture,service", "--json");
        for (JsonNode f : new ObjectMapper().readTree(doctor.out()).get("data").get("findings")) {
            if (java.util.Set.of("posture.database", "posture.broker", "posture.objects", "service.database", "service.broker", "service.objects",
                    "posture.credentials").contains(f.get("id").asText())) {
                assertEquals("ok", f.get("verdict").asText(), f::toString);
            }
        }
    }

    @Test
    @Order(5)
    void minioRestartsWithNewRootCredentialsAndOthStillGetsIn() throws Exception {
        serviceSecretsRotate("objects", "/etc/default/minio", "root:root 600",
                "objects: MinIO runs with new root credentials, which oth uses", "posture.objects", "service.objects");
    }

    @Test
    @Order(6)
    void rabbitMqRestartsWithANewErlangCookieAndOthStillGetsIn() throws Exception {
        serviceSecretsRotate("broker", "/var/lib/rabbitmq/.erlang.cookie", "rabbitmq:rabbitmq 400",
                "broker: RabbitMQ runs with a new Erlang cookie; oth's administrator has a new password", "posture.broker", "service.broker");
        Run again = Run.oth("secrets", "rotate", "--service", "broker", "--service-secrets", "--site", lab.site().toString());
        assertEquals(0, again.code(), () -> "a second rotation finds RabbitMQ as the first left it\n" + again);
    }

    /**
     * {@code oth secrets rotate --service SERVICE --service-secrets}: the service's file of secrets on the storage node
     * changes and keeps its owner and mode, install finds nothing to change afterwards, and doctor's findings on the
     * service and the credentials' ages are ok.
     */
    private static void serviceSecretsRotate(String service, String file, String ownerAndMode, String said, String... findings) throws Exception {
        String before = lab.exec("storage", "sha256sum", file);
        Run rotate = Run.oth("secrets", "rotate", "--service", service, "--service-secrets", "--site", lab.site().toString());
        assertEquals(0, rotate.code(), rotate::toString);
        assertTrue(rotate.out().contains(said), rotate::toString);
        assertNotEquals(before, lab.exec("storage", "sha256sum", file));
        assertEquals(ownerAndMode, lab.exec("storage", "stat", "-c", "%U:%G %a", file).strip());
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(0, check.code(), () -> "install agrees with the new secrets: " + check);
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture,service", "--json");
        java.util.Set<String> wanted = new java.util.HashSet<>(java.util.List.of(findings));
        wanted.add("posture.credentials");
        for (JsonNode f : new ObjectMapper().readTree(doctor.out()).get("data").get("findings")) {
            if (wanted.contains(f.get("id").asText())) {
                assertEquals("ok", f.get("verdict").asText(), f::toString);
            }
        }
    }
}
