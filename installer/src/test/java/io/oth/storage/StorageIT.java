package io.oth.storage;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.minio.MinioAdmin;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Forward;
import io.oth.remote.HostConnection;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.ssh.SshFleet;
import io.oth.runlog.RunLogFiles;
import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage node after {@code oth install}: MariaDB and RabbitMQ over TLS from the site CA, seen
 * from an app node (through an SSH forward from app1, so the servers see app1's address).
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageIT {
    private static Lab lab;
    private static Site site;
    private static HostConnection app1;
    private static Secrets secrets;
    private static Path siteRoot;
    /** The accounts of each pair the application uses: the state directory may hold an earlier rotation's (oth-app-b). */
    private static AppAccounts.Account database;
    private static AppAccounts.Account broker;
    private static AppAccounts.Account objects;

    @BeforeAll
    static void install(Lab theLab) throws Exception {
        lab = theLab;
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        site = SiteLoader.load(lab.site());
        app1 = SshFleet.connectOne(site, site.node("app1").orElseThrow(),
                new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0]));
        secrets = Secrets.open(StateDir.of(site.name()).resolve("secrets.yml"));
        database = AppAccounts.DATABASE_ACCOUNTS.active(secrets);
        broker = AppAccounts.BROKER_ACCOUNTS.active(secrets);
        objects = AppAccounts.OBJECTS_ACCOUNTS.active(secrets);
        siteRoot = Files.createTempFile("site-root", ".pem");
        Files.write(siteRoot, app1.host().read("/etc/oth-app/site-ca.pem").orElseThrow());
    }

    @AfterAll
    static void close() {
        if (app1 != null) {
            app1.close();
        }
    }

    @Test
    @Order(1)
    void everyAppNodeReportsDatabaseAndBrokerHealthy() {
        for (int i = 1; i <= lab.apps(); i++) {
            String health = lab.exec("app" + i, "curl", "-sS", "--max-time", "10", "http://127.0.0.1:8080/healthz");
            assertTrue(health.contains("\"database\":{\"status\":\"ok\""), "app" + i + ": " + health);
            assertTrue(health.contains("\"broker\":{\"status\":\"ok\""), "app" + i + ": " + health);
            assertTrue(health.contains("\"objects\":{\"status\":\"ok\""), "app" + i + ": " + health);
        }
        String throughLb = lab.exec("inet", "curl", "-sS", "--max-time", "10", "--cacert", "/var/lib/oth-lab/trust/site-root.pem",
                "https://oth.example.test/healthz");
        assertTrue(throughLb.startsWith("{\"status\":\"ok\""), throughLb);
    }

    @Test
    @Order(2)
    void mariadbRefusesPlaintextAndAcceptsTlsFromAnAppNode() throws Exception {
        try (Forward db = app1.host().forward("10.77.0.20", 3306)) {
            SQLException plain = assertThrows(SQLException.class, () -> DriverManager.getConnection(jdbc(db, "sslMode=disable"), login()).close());
            assertTrue(plain.getMessage().contains("Access denied") || plain.getMessage().contains("secure transport"), plain.getMessage());
            try (java.sql.Connection c = DriverManager.getConnection(jdbc(db, "sslMode=verify-ca&serverSslCert=" + siteRoot), login());
                 ResultSet rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                assertTrue(rs.next());
                assertTrue(rs.getString(2).startsWith("TLSv1."), rs.getString(2));
            }
        }
    }

    @Test
    @Order(3)
    void storagePortsAreClosedToEverythingButTheAppNodes() {
        for (String from : List.of("inet", "lb")) {
            // every port at once: a dropped connection costs nc its whole timeout
            String seen = lab.exec(from, "sh", "-c", "for p in 3306 5671 5672 15671 15672 9000; do "
                    + "(if nc -z -w 3 10.77.0.20 $p; then echo \"open $p\"; else echo \"shut $p\"; fi) & done; wait");
            assertEquals(6, seen.lines().filter(l -> l.startsWith("shut ")).count(), () -> from + " must reach no storage port\n" + seen);
        }
        assertEquals(0, lab.tryExec("app2", "nc", "-z", "-w", "3", "10.77.0.20", "5671").exitCode(), "app2 reaches AMQPS");
        String listening = lab.exec("storage", "ss", "-ltnH");
        assertFalse(listening.contains("0.0.0.0:4369") || listening.contains("0.0.0.0:25672"), "epmd and Erlang distribution on loopback\n" + listening);
        assertFalse(listening.contains(":5672 ") || listening.contains(":15672 "), "plain AMQP and plain management are off unless asked for\n" + listening);
        String ruleset = lab.exec("storage", "cat", "/etc/nftables.conf");
        assertFalse(ruleset.contains("dport 5672 ") || ruleset.contains("dport 15672 "), "no plain_amqp: the firewall keeps the plain ports shut\n" + ruleset);
    }

    @Test
    @Order(4)
    void guestCannotLogInAndTheApplicationUserCan() throws Exception {
        try (Forward amqps = app1.host().forward("10.77.0.20", 5671)) {
            ConnectionFactory guest = amqp(amqps, "guest", "guest", "/");
            assertThrows(AuthenticationFailureException.class, () -> guest.newConnection().close());
            ConnectionFactory app = amqp(amqps, broker.user(), secrets.get(broker.secret()).orElseThrow().reveal(), "oth");
            try (Connection c = app.newConnection()) {
                assertTrue(c.isOpen());
            }
        }
    }

    @Test
    @Order(4)
    void theApplicationKeyReachesItsBucketAndNoOther() throws Exception {
        try (Forward s3 = app1.host().forward("10.77.0.20", 9000)) {
            MinioClient app = minio(s3, objects.user(), secrets.get(objects.secret()).orElseThrow().reveal());
            byte[] body = "probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            app.putObject(PutObjectArgs.builder().bucket("oth").object("it/probe").stream(new ByteArrayInputStream(body), (long) body.length, -1L).build());
            try (var in = app.getObject(GetObjectArgs.builder().bucket("oth").object("it/probe").build())) {
                assertEquals("probe", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            app.removeObject(RemoveObjectArgs.builder().bucket("oth").object("it/probe").build());
            MinioClient root = minio(s3, "oth-admin", secrets.get("minio.root").orElseThrow().reveal());
            if (!root.bucketExists(BucketExistsArgs.builder().bucket("other").build())) {
                root.makeBucket(MakeBucketArgs.builder().bucket("other").build());
            }
            ErrorResponseException denied = assertThrows(ErrorResponseException.class, () -> app.putObject(PutObjectArgs.builder()
                    .bucket("other").object("x").stream(new ByteArrayInputStream(body), (long) body.length, -1L).build()));
            assertEquals("AccessDenied", denied.errorResponse().code());
        }
    }

    @Test
    @Order(4)
    void theApplicationKeyWasMadeThroughMinioAdminApi() throws Exception {
        try (Forward s3 = app1.host().forward("10.77.0.20", 9000)) {
            MinioAdmin admin = admin(s3);
            MinioAdmin.User user = admin.user(objects.user()).orElseThrow();
            assertTrue(user.enabled());
            assertEquals(List.of("oth-app"), user.policies());
            String policy = admin.cannedPolicy("oth-app").orElseThrow();
            assertTrue(policy.contains("arn:aws:s3:::oth/*") && !policy.contains("arn:aws:s3:::*"), policy);
        }
        assertNotEquals(0, lab.tryExec("storage", "test", "-e", "/var/lib/minio/.standin-users").exitCode(), "no users file any more");
    }

    @Test
    @Order(5)
    void aRotatedCertificateIsServedAndTheApplicationStaysHealthy() throws Exception {
        BigInteger before = servedSerial(5671);
        Run rotate = Run.oth("certs", "rotate", "--service", "rabbitmq", "--site", lab.site().toString());
        assertEquals(0, rotate.code(), rotate::toString);
        assertTrue(rotate.out().contains("[storage] issue a new 90-day certificate for rabbitmq on storage (rotation asked for)"), rotate::toString);
        assertNotEquals(before, servedSerial(5671), "new connections get the new certificate");
        String health = lab.exec("app1", "curl", "-sS", "--max-time", "10", "http://127.0.0.1:8080/healthz");
        assertTrue(health.contains("\"broker\":{\"status\":\"ok\""), health);
        Run status = Run.oth("certs", "status", "--site", lab.site().toString());
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().matches("(?s).*storage\\s+rabbitmq\\s+\\S+\\s+(89|90)\\s+site CA.*"), status::toString);
    }

    @Test
    @Order(6)
    void aBackupIsEncryptedCopiedOffTheNodePulledAndBringsBackARowDeletedAfterIt() throws Exception {
        String planted = "planted-" + Long.toHexString(System.nanoTime());
        String site = lab.site().toString();
        try (Forward db = app1.host().forward("10.77.0.20", 3306);
             java.sql.Connection c = DriverManager.getConnection(jdbc(db, "sslMode=verify-ca&serverSslCert=" + siteRoot), login());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS probe (id INT PRIMARY KEY, note VARCHAR(40))");
            s.execute("REPLACE INTO probe VALUES (1, '" + planted + "')");
            Run now = Run.oth("backup", "now", "--site", site);
            assertEquals(0, now.code(), now::toString);
            String id = now.out().strip();
            String file = "/var/backups/oth/mariadb/" + id + ".sql.gz.age";

            // On the storage node: an age file, not a dump anyone there can read, and no plaintext beside it.
            assertEquals("age-encryption.org/v1", lab.exec("storage", "head", "-c", "21", file));
            assertEquals("0", lab.exec("storage", "sh", "-c", "grep -a -c -e 'CREATE TABLE' -e " + planted + " " + file + " || true").strip());
            assertNotEquals(0, lab.tryExec("storage", "sh", "-c", "gunzip -t < " + file).exitCode(), "not even a gzip file");
            assertEquals("", lab.exec("storage", "sh", "-c", "ls /var/backups/oth/mariadb | grep -v '\\.sql\\.gz\\.age$' || true").strip());
            assertTrue(secrets.get("backup.age-identity").isPresent(), "the identity is in the operator's secrets");
            assertEquals("", lab.exec("storage", "sh", "-c", "grep -r -l -s AGE-SECRET-KEY- /etc /var /tmp /root /usr/local || true").strip(),
                    "no age identity anywhere on the storage node");
            long size = Long.parseLong(lab.exec("storage", "stat", "-c", "%s", file).strip());

            // Off the node: in the bucket under backups/, the same bytes.
            try (Forward s3 = app1.host().forward("10.77.0.20", 9000)) {
                MinioClient root = minio(s3, "oth-admin", secrets.get("minio.root").orElseThrow().reveal());
                assertEquals(size, root.statObject(io.minio.StatObjectArgs.builder().bucket("oth").object("backups/" + id + ".sql.gz.age").build()).size());
            }
            Run list = Run.oth("backup", "list", "--site", site);
            assertEquals(0, list.code(), list::toString);
            assertTrue(list.out().matches("(?s).*" + id + "\\s.*\\syes\\s+node,bucket\\s.*"), list::toString);

            // To the operator's side, checked, once.
            Run pull = Run.oth("backup", "pull", "--site", site);
            assertEquals(0, pull.code(), pull::toString);
            assertTrue(pull.out().contains(id + ": copied from the storage node (" + size + " bytes, sha256 "), pull::toString);
            Path copy = StateDir.of(StorageIT.site.name()).resolve("backups").resolve(id + ".sql.gz.age");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
            assertEquals(lab.exec("storage", "sha256sum", file).split(" ")[0], io.oth.remote.Sha256.hex(Files.readAllBytes(copy)));
            Run again = Run.oth("backup", "pull", "--site", site);
            assertEquals(0, again.code(), again::toString);
            assertTrue(again.out().contains(id + ": already here") && again.out().contains("pull: 0 copied"), again::toString);

            // The row comes back, from the node's copy, then from the operator's once the node's is gone.
            s.execute("DELETE FROM probe WHERE id = 1");
            Run restore = Run.oth("backup", "restore", id, "--site", site);
            assertEquals(0, restore.code(), restore::toString);
            assertTrue(restore.out().contains("restored " + id + " from the storage node"), restore::toString);
            assertEquals(planted, note(s));
            s.execute("DELETE FROM probe WHERE id = 1");
            lab.exec("storage", "rm", file);
            Run fromHere = Run.oth("backup", "restore", id, "--site", site);
            assertEquals(0, fromHere.code(), fromHere::toString);
            assertTrue(fromHere.out().contains("restored " + id + " from the operator's copy"), fromHere::toString);
            assertEquals(planted, note(s));
            // The operator's copy went up as a temporary file and is gone again (other tests of the same lab run leave
            // backups of their own in the directory: only this one's files are looked for).
            assertEquals("", lab.exec("storage", "sh", "-c", "ls -A /var/backups/oth/mariadb | grep -F " + id + " || true").strip(),
                    "the uploaded copy is gone");
            Run listed = Run.oth("backup", "list", "--site", site);
            assertTrue(listed.out().matches("(?s).*" + id + "\\s.*\\syes\\s+bucket,operator\\s.*"), listed::toString);
        }
        Run bad = Run.oth("backup", "restore", "../../etc/passwd", "--site", site);
        assertEquals(2, bad.code(), bad::toString);
    }

    private static String note(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT note FROM probe WHERE id = 1")) {
            assertTrue(rs.next(), "the row is back");
            return rs.getString(1);
        }
    }

    @Test
    @Order(7)
    void secretsNeverShowInOutputLogsOrProcessLists() throws Exception {
        lab.exec("storage", "mariadb", "-e", "DROP USER '" + database.user() + "'@'10.77.0.102'");
        lab.exec("storage", "rabbitmqctl", "-q", "delete_user", broker.user());
        try (Forward s3 = app1.host().forward("10.77.0.20", 9000)) {
            admin(s3).removeUser(objects.user());
        }
        List<Process> watchers = new ArrayList<>();
        for (String host : List.of("storage", "app1", "app2")) {
            watchers.add(new ProcessBuilder(Lab.repo().resolve("lab/lab").toString(), "exec", host, "sh", "-c",
                    "rm -f /tmp/ps-capture.stop; for i in $(seq 2400); do [ -e /tmp/ps-capture.stop ] && break; ps -eo args; sleep 0.05; done"
                            + " > /tmp/ps-capture.txt").start());
        }
        Run run = Run.oth("install", "--site", lab.site().toString());
        // The capture goes on for as long as the install did (at most about two minutes), no longer.
        for (String host : List.of("storage", "app1", "app2")) {
            lab.exec(host, "touch", "/tmp/ps-capture.stop");
        }
        for (Process w : watchers) {
            w.waitFor();
        }
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("[storage] database accounts: 2 statement(s)"), run::toString);
        assertTrue(run.out().contains("[storage] object storage account: create user " + objects.user() + " (secret " + objects.secret()
                + "), attach policy oth-app to " + objects.user()),
                run::toString);
        List<String> texts = new ArrayList<>(List.of(run.out(), run.err(), Files.readString(StateDir.of(site.name()).resolve("journal"))));
        for (String host : List.of("storage", "app1", "app2")) {
            texts.add(lab.exec(host, "cat", "/tmp/ps-capture.txt"));
            texts.add(lab.exec(host, "sh", "-c", "cat /var/log/*.log /var/log/*/*.log /var/log/*/* 2>/dev/null || true"));
        }
        for (String name : secrets.names()) {
            String value = secrets.get(name).orElseThrow().reveal();
            for (String text : texts) {
                assertFalse(text.contains(value), "secret " + name + " appeared in a log, report or process list");
            }
        }
        assertTrue(texts.get(3).contains("sshd"), "the process capture worked");
    }

    @Test
    @Order(8)
    void anAdministratorChangedByHandIsSetAgainWithoutReadingTheDefinitionsFirst() throws Exception {
        // The management API now refuses oth's administrator: the run sets every account with one
        // rabbitmqctl import, and boots no Erlang VM before it to read them.
        lab.exec("storage", "sh", "-c", "rabbitmqctl -q change_password " + AppAccounts.BROKER_ADMIN + " \"$(od -An -N12 -tx1 /dev/urandom | tr -d ' \\n')\"");
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("[storage] broker accounts: " + AppAccounts.BROKER_ADMIN + " cannot log in to the management API"), run::toString);
        Path log = lastInstallLog();
        String text = Files.readString(log);
        assertTrue(text.contains("rabbitmqctl -q import_definitions"), log.toString());
        assertFalse(text.contains("export_definitions"), "no rabbitmqctl read before the import: " + log);
    }

    @Test
    @Order(9)
    void aStoppedRabbitMqStartsWithoutTheInitScriptsVmsAndOneThatCannotBootFailsAtOnce() throws Exception {
        // The lab's nodes run Debian's init scripts: oth starts RabbitMQ as the script does, without
        // its rabbitmqctl status and rabbitmqctl wait, and waits for the server's own listeners.
        lab.exec("storage", "sh", "-c", "service rabbitmq-server stop >/dev/null 2>&1");
        Run started = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, started.code(), started::toString);
        assertTrue(started.out().contains("[storage] start rabbitmq-server"), started::toString);
        String log = Files.readString(lastInstallLog());
        assertTrue(log.contains("exec start-stop-daemon --quiet --chuid rabbitmq --start --exec /usr/sbin/rabbitmq-server"), "started as the init script does");
        assertFalse(log.contains("service rabbitmq-server start"), "not through the init script");
        lab.exec("storage", "sh", "-c", "ss -Hltn 'sport = :5671' | grep -q . && ss -Hltn 'sport = :15671' | grep -q .");

        // A server that ends during its boot (here: it may not write its log directory) fails the
        // start at once, saying so, rather than after the wait's bound.
        String mode = lab.exec("storage", "stat", "-c", "%a", "/var/log/rabbitmq").strip();
        lab.exec("storage", "sh", "-c", "service rabbitmq-server stop >/dev/null 2>&1; chmod 000 /var/log/rabbitmq");
        Run failed;
        try {
            failed = Run.oth("install", "--site", lab.site().toString());
        } finally {
            lab.exec("storage", "chmod", mode, "/var/log/rabbitmq");
        }
        assertNotEquals(0, failed.code(), failed::toString);
        assertTrue(failed.out().contains("RabbitMQ ended during its boot"), failed::toString);

        Run again = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("[storage] start rabbitmq-server"), again::toString);
    }

    /** The newest install's run log. */
    private static Path lastInstallLog() {
        return RunLogFiles.newest(Run.logs(site.name()), "install");
    }

    @Test
    @Order(10)
    void aReRunChangesNothing() {
        Run run = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().contains("install: 0 change(s) made, 0 host(s) failed"), run::toString);
    }

    @Test
    @Order(11)
    void aPolicyAttachedByHandToTheApplicationKeyIsDriftForDoctorAndInstall() throws Exception {
        try (Forward s3 = app1.host().forward("10.77.0.20", 9000)) {
            MinioAdmin admin = admin(s3);
            // another bucket's policy, attached by hand: the application's key now reaches more than its own bucket
            admin.putCannedPolicy("everything", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],"
                    + "\"Resource\":[\"arn:aws:s3:::other\",\"arn:aws:s3:::other/*\"]}]}");
            admin.attach(objects.user(), List.of("everything"));
        }
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--node", "storage", "--all");
        assertEquals(1, doctor.code(), doctor::toString);
        assertTrue(java.util.regex.Pattern.compile("✗ posture\\.objects\\s+MinIO accounts\\s+drifted: oth install plans "
                + "object storage account: detach everything from " + objects.user()).matcher(doctor.out()).find(), doctor::toString);
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertEquals(6, check.code(), check::toString);
        assertTrue(check.out().contains("object storage account: detach everything from " + objects.user()), check::toString);
        Run repair = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, repair.code(), repair::toString);
        Run green = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--node", "storage", "--all");
        assertEquals(0, green.code(), green::toString);
        assertTrue(java.util.regex.Pattern.compile("✓ posture\\.objects\\s+MinIO accounts\\s+as oth install sets them").matcher(green.out()).find(), green::toString);
    }

    /**
     * A RabbitMQ that runs and answers nothing (stopped with SIGSTOP): the read gives its management
     * API and rabbitmqctl their time, then the phase fails saying it could not read the accounts,
     * changing nothing. Before, the plan set every account through the same silent RabbitMQ and
     * waited as long again (60 s in all, then "RabbitMQ refused the account changes").
     */
    @Test
    @Order(12)
    void aHungRabbitMqFailsItsAccountsPhaseAfterTheReadNotAfterTryingTheChangesToo() throws Exception {
        String pid = "$(cat " + io.oth.install.NodeLayout.RABBITMQ_PID + ")";
        lab.exec("storage", "sh", "-c", "kill -STOP " + pid);
        Run run;
        try {
            run = Run.oth("install", "--site", lab.site().toString());
        } finally {
            lab.exec("storage", "sh", "-c", "kill -CONT " + pid);
        }
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.out().contains("[storage] FAILED in broker-accounts: storage: remote operation failed: cannot read RabbitMQ's accounts:"
                + " RabbitMQ did not answer (\"Error: unable to perform an operation on node 'rabbit@localhost'."), run::toString);
        assertTrue(run.out().contains("install: 0 change(s) made, 1 host(s) failed"), run::toString);
        String log = Files.readString(lastInstallLog());
        assertFalse(log.contains("import_definitions"), "no change was tried: " + log);
        // Resumed, RabbitMQ answers again and there is nothing to do.
        Run again = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, again.code(), again::toString);
        assertTrue(again.out().contains("install: 0 change(s) made, 0 host(s) failed"), again::toString);
    }

    private static String jdbc(Forward f, String options) {
        return "jdbc:mariadb://127.0.0.1:" + f.localPort() + "/oth?" + options;
    }

    private static Properties login() {
        Properties p = new Properties();
        p.setProperty("user", database.user());
        p.setProperty("password", secrets.get(database.secret()).orElseThrow().reveal());
        return p;
    }

    private static ConnectionFactory amqp(Forward f, String user, String password, String vhost) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(f.localPort());
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        factory.useSslProtocol(trustingSiteCa());
        factory.setConnectionTimeout(5000);
        return factory;
    }

    /** A MinIO client through the forward, checking the certificate against the site CA and the storage node's address. */
    private static MinioClient minio(Forward f, String accessKey, String secretKey) throws Exception {
        TrustManagerFactory tmf = trustManagers();
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(trustingSiteCa().getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0])
                .hostnameVerifier((host, session) -> okhttp3.internal.tls.OkHostnameVerifier.INSTANCE.verify("10.77.0.20", session))
                .build();
        return MinioClient.builder().endpoint("https://127.0.0.1:" + f.localPort()).region("us-east-1")
                .credentials(accessKey, secretKey).httpClient(http).build();
    }

    /** MinIO's admin API as root, through the forward, checking the certificate as {@link #minio} does. */
    private static MinioAdmin admin(Forward f) throws Exception {
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(trustingSiteCa().getSocketFactory(), (X509TrustManager) trustManagers().getTrustManagers()[0])
                .hostnameVerifier((host, session) -> okhttp3.internal.tls.OkHostnameVerifier.INSTANCE.verify("10.77.0.20", session))
                .build();
        return new MinioAdmin(http, "https://127.0.0.1:" + f.localPort(), "oth-admin", secrets.get("minio.root").orElseThrow());
    }

    private static TrustManagerFactory trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("site", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(siteRoot))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    private static SSLContext trustingSiteCa() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, trustManagers().getTrustManagers(), null);
        return ctx;
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (Forward f = app1.host().forward("10.77.0.20", port);
             SSLSocket socket = (SSLSocket) trustingSiteCa().getSocketFactory().createSocket("127.0.0.1", f.localPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
