package io.oth.storage;

import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import io.oth.secret.Secrets;
import io.oth.site.SiteLoader;
import io.oth.site.StateDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.minio.DeleteBucketEncryptionArgs;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.oth.ca.SiteTls;
import io.oth.remote.ConnectOptions;
import io.oth.remote.Forward;
import io.oth.remote.HostConnection;
import io.oth.remote.HostKeyTrust;
import io.oth.remote.ssh.SshFleet;
import io.oth.secret.Secret;
import io.oth.site.AppAccounts;
import io.oth.site.Site;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data at rest on the installed lab (issue 17): a planted row is readable through SQL and appears
 * in none of MariaDB's files on the storage node's disk, whose tablespaces are all encrypted, with
 * the key in a 0400 file whose origin the operator's secrets keep; an object the application
 * stores reads back through S3 and its body appears in none of MinIO's files, the bucket
 * encrypting by default (SSE-S3 under MinIO's KMS key, made from a site secret), and a bucket that
 * did not encrypt is converted by install, objects already there included.
 */
@ExtendWith(LabExtension.class)
class EncryptionAtRestIT {
    private static final String MINIO_DATA = "/var/lib/minio";
    private static final int MINIO_PORT = 9000;
    private static Lab lab;
    private static Site site;
    private static Secrets secrets;
    private static HostConnection app1;
    private static X509Certificate siteRoot;
    private static String storage;

    @BeforeAll
    static void installed(Lab theLab) throws Exception {
        lab = theLab;
        Run.ok("install", "--site", lab.site().toString());
        site = SiteLoader.load(lab.site());
        secrets = Secrets.open(StateDir.of(site.name()).resolve("secrets.yml"));
        storage = site.nodesWithRole("storage").get(0).address();
        app1 = SshFleet.connectOne(site, site.node("app1").orElseThrow(),
                new ConnectOptions(lab.knownHosts(), Duration.ofSeconds(10), 4, HostKeyTrust.REFUSE, () -> new char[0]));
        siteRoot = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(app1.host().read("/etc/oth-app/site-ca.pem").orElseThrow()));
    }

    @AfterAll
    static void close() {
        if (app1 != null) {
            app1.close();
        }
    }

    @Test
    void anObjectsBodyIsInNoneOfMinIOsFilesButReadsBackThroughS3() throws Exception {
        String value = "OTH-OBJECT-" + UUID.randomUUID();
        String body = ("Dear doctor, the patient's letter " + value + ".\n").repeat(40);
        String key = "it/at-rest-" + UUID.randomUUID();
        try (Forward s3 = app1.host().forward(storage, MINIO_PORT)) {
            // as the application stores it: its own key, over TLS that leads to the site CA and names the storage node
            MinioClient app = minio(s3, AppAccounts.OBJECTS_KEY, secrets.get(AppAccounts.OBJECTS_SECRET).orElseThrow());
            try {
                ObjectWriteResponse written = put(app, key, body);
                assertEquals("AES256", written.headers().get("x-amz-server-side-encryption"), "MinIO reports the object encrypted");
                assertEquals(body, get(app, key));
                assertNotReadableOnDisk(value);
            } finally {
                app.removeObject(RemoveObjectArgs.builder().bucket(AppAccounts.OBJECTS_BUCKET).object(key).build());
            }
        }
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--node", "storage", "--all");
        assertTrue(Pattern.compile("✓ posture\\.encryption\\s+MinIO bucket at rest\\s+bucket oth: default encryption SSE-S3").matcher(doctor.out()).find(),
                doctor::toString);
        assertTrue(secrets.get("minio.kms").isPresent(), "MinIO's KMS key comes from a site secret the operator keeps");
        assertEquals("root:root 600", lab.exec("storage", "stat", "-c", "%U:%G %a", "/etc/default/minio").strip());
        assertTrue(lab.tryExec("storage", "sh", "-c", "ps -eo args | grep -F MINIO_KMS").output().lines()
                .noneMatch(l -> l.contains("oth-objects:")), "the KMS key is never on a command line");
    }

    @Test
    void aBucketThatDoesNotEncryptIsConvertedByInstallObjectsAlreadyThereIncluded() throws Exception {
        String value = "OTH-OLD-OBJECT-" + UUID.randomUUID();
        String body = "written before encryption: " + value + "\n";
        String key = "it/old-" + UUID.randomUUID();
        try (Forward s3 = app1.host().forward(storage, MINIO_PORT)) {
            MinioClient root = minio(s3, AppAccounts.OBJECTS_ROOT, secrets.get(AppAccounts.OBJECTS_ROOT_SECRET).orElseThrow());
            root.deleteBucketEncryption(DeleteBucketEncryptionArgs.builder().bucket(AppAccounts.OBJECTS_BUCKET).build());
            put(root, key, body);
            assertEquals(0, lab.tryExec("storage", "grep", "-r", "-a", "-l", "-F", value, MINIO_DATA).exitCode(),
                    "without default encryption the object is stored as it is");
        }
        try {
            Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--node", "storage", "--all");
            assertEquals(1, doctor.code(), doctor::toString);
            assertTrue(Pattern.compile("✗ posture\\.encryption\\s+MinIO bucket at rest\\s+bucket oth has no default encryption").matcher(doctor.out()).find(),
                    doctor::toString);
            Run check = Run.oth("install", "--check", "--site", lab.site().toString());
            assertEquals(6, check.code(), check::toString);
            assertTrue(check.out().contains("turn on default encryption (SSE-S3) for bucket oth and encrypt the objects already in it"), check::toString);

            Run convert = Run.oth("install", "--site", lab.site().toString());
            assertEquals(0, convert.code(), convert::toString);
            assertNotReadableOnDisk(value);
            Run again = Run.oth("install", "--site", lab.site().toString());
            assertEquals(0, again.code(), again::toString);
            assertTrue(again.out().contains("install: 0 change(s) made, 0 host(s) failed"), again::toString);
        } finally {
            try (Forward s3 = app1.host().forward(storage, MINIO_PORT)) {
                MinioClient root = minio(s3, AppAccounts.OBJECTS_ROOT, secrets.get(AppAccounts.OBJECTS_ROOT_SECRET).orElseThrow());
                assertEquals(body, get(root, key), "the re-written object reads back as it was");
                root.removeObject(RemoveObjectArgs.builder().bucket(AppAccounts.OBJECTS_BUCKET).object(key).build());
            }
        }
    }

    /**
     * grep exits 1 when no file holds the value; strings over every file finds none of it either.
     * The sample application's health checks write and delete objects under healthz/ all the while:
     * a file of theirs can vanish between find listing it and grep or strings opening it, so their
     * directory is left out (the value is never written there).
     */
    private static void assertNotReadableOnDisk(String value) {
        Lab.Result found = lab.tryExec("storage", "grep", "-r", "-a", "-l", "-F", "--exclude-dir=healthz", value, MINIO_DATA);
        assertEquals(1, found.exitCode(), () -> "the object's body is readable on disk in: " + found.output());
        String strings = lab.exec("storage", "sh", "-c", "find " + MINIO_DATA + " -type d -name healthz -prune -o -type f -exec strings -a {} +"
                + " | grep -c -F -- '" + value + "' || true");
        assertEquals("0", strings.strip(), "strings finds the object's body on disk");
    }

    private static ObjectWriteResponse put(MinioClient client, String key, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return client.putObject(PutObjectArgs.builder().bucket(AppAccounts.OBJECTS_BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), (long) bytes.length, -1L).build());
    }

    private static String get(MinioClient client, String key) throws Exception {
        try (var in = client.getObject(GetObjectArgs.builder().bucket(AppAccounts.OBJECTS_BUCKET).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** MinIO through the forward, TLS leading to the site CA and naming the storage node's address. */
    private static MinioClient minio(Forward f, String accessKey, Secret secretKey) throws Exception {
        OkHttpClient http = SiteTls.httpClient(SiteTls.trustManager(siteRoot, storage), storage, Duration.ofSeconds(20)).build();
        return MinioClient.builder().endpoint("https://127.0.0.1:" + f.localPort()).region("us-east-1")
                .credentials(accessKey, secretKey.reveal()).httpClient(http).build();
    }

    @Test
    void aPlantedRowIsInNoneOfMariaDBsFilesButReadsBackThroughSql() throws Exception {
        String value = "OTH-PLANT-" + UUID.randomUUID();
        lab.exec("storage", "mariadb", "-e", "CREATE DATABASE IF NOT EXISTS oth_plant; CREATE TABLE IF NOT EXISTS oth_plant.patients (note VARCHAR(80));"
                + " INSERT INTO oth_plant.patients VALUES ('" + value + "');"
                // FOR EXPORT writes the table's pages to its file now, rather than whenever InnoDB flushes them.
                + " FLUSH TABLES oth_plant.patients FOR EXPORT; UNLOCK TABLES;");
        try {
            assertTrue(lab.exec("storage", "mariadb", "-N", "-B", "-e", "SELECT note FROM oth_plant.patients").contains(value));
            String tablespace = lab.exec("storage", "sh", "-c", "ls -l /var/lib/mysql/oth_plant/patients.ibd");
            assertTrue(tablespace.contains("patients.ibd"), tablespace);
            // grep exits 1 when no file holds the value: the tablespace, the system tablespace, the redo and undo logs, Aria's files.
            Lab.Result found = lab.tryExec("storage", "grep", "-r", "-a", "-l", "-F", value, "/var/lib/mysql");
            assertEquals(1, found.exitCode(), () -> "the planted value is readable on disk in: " + found.output());
        } finally {
            lab.exec("storage", "mariadb", "-e", "DROP DATABASE IF EXISTS oth_plant");
        }
    }

    @Test
    void everyTablespaceIsEncryptedAndDoctorSaysSo() throws Exception {
        String unencrypted = lab.exec("storage", "mariadb", "-N", "-B", "-e", "SELECT COUNT(*) FROM information_schema.INNODB_SYS_TABLESPACES s"
                + " LEFT JOIN information_schema.INNODB_TABLESPACES_ENCRYPTION e ON e.SPACE = s.SPACE"
                + " WHERE s.NAME <> 'innodb_temporary' AND (e.ENCRYPTION_SCHEME IS NULL OR e.ENCRYPTION_SCHEME = 0 OR e.MIN_KEY_VERSION = 0)");
        assertEquals("0", unencrypted.strip());
        Run doctor = Run.oth("doctor", "--site", lab.site().toString(), "--only", "posture", "--node", "storage", "--all");
        assertTrue(doctor.out().lines().anyMatch(l -> l.contains("posture.encryption") && l.contains("InnoDB tablespaces encrypted (100 %)")),
                doctor::toString);
    }

    /**
     * An install from a state that did not install the node (another machine's, or one made anew
     * after the first was lost) has another key secret: it refuses to replace the key file, and
     * MariaDB keeps its key, its tables and its running server.
     */
    @Test
    void anotherStatesKeyIsRefusedAndTheDatabaseStaysReadable() throws Exception {
        assertAnotherStatesKeyIsRefused("mariadb.encryption", "/etc/mysql/oth-encryption/keyfile", "/run/mysqld/mysqld.pid",
                "refuse to replace /etc/mysql/oth-encryption/keyfile");
        assertEquals("1", lab.exec("storage", "mariadb", "-N", "-B", "-e", "SELECT 1").strip());
    }

    /** The same for MinIO's KMS key, a setting in a file whose root credentials may change. */
    @Test
    void anotherStatesKmsKeyIsRefusedAndMinioKeepsItsOwn() throws Exception {
        assertAnotherStatesKeyIsRefused("minio.kms", "/etc/default/minio", "/run/minio.pid", "refuse to replace MINIO_KMS_SECRET_KEY in /etc/default/minio");
    }

    /**
     * With another value for {@code secret} in the operator's state, install fails saying {@code refusal}
     * and nothing was replaced; {@code file} is as it was and the server of {@code pidFile} was not
     * restarted. With the secret put back, install passes.
     */
    private static void assertAnotherStatesKeyIsRefused(String secret, String file, String pidFile, String refusal) throws Exception {
        String before = lab.exec("storage", "sha256sum", file);
        String pid = lab.exec("storage", "cat", pidFile).strip();
        Secrets state = Secrets.open(StateDir.of(site.name()).resolve("secrets.yml"));
        Secret kept = state.get(secret).orElseThrow();
        state.put(secret, Secret.of("another-state-" + UUID.randomUUID()));
        try {
            Run install = Run.oth("install", "--site", lab.site().toString(), "--no-progress");
            assertNotEquals(0, install.code(), install::toString);
            assertTrue(install.out().contains(refusal) && install.out().contains("nothing was replaced"), install::toString);
            assertEquals(before, lab.exec("storage", "sha256sum", file), file + " is as it was");
            assertEquals(pid, lab.exec("storage", "cat", pidFile).strip(), "the server was not restarted");
        } finally {
            state.put(secret, kept);
        }
        Run again = Run.oth("install", "--site", lab.site().toString(), "--no-progress");
        assertEquals(0, again.code(), again::toString);
    }

    @Test
    void theKeyFileIsMysqlsAloneAndTheOperatorKeepsItsOrigin() throws Exception {
        assertEquals("mysql:mysql 400", lab.exec("storage", "stat", "-c", "%U:%G %a", "/etc/mysql/oth-encryption/keyfile").strip());
        Secrets secrets = Secrets.open(StateDir.of(SiteLoader.load(lab.site()).name()).resolve("secrets.yml"));
        assertTrue(secrets.get("mariadb.encryption").isPresent(), "a restore elsewhere needs the key: the operator's secrets keep it");
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertNotEquals(6, check.code(), () -> "a second install plans nothing: " + check);
    }
}
