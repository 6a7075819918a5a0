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

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MariaDB's data at rest on the installed lab (issue 17): a planted row is readable through SQL and
 * appears in none of MariaDB's files on the storage node's disk, whose tablespaces are all
 * encrypted, with the key in a 0400 file whose origin the operator's secrets keep.
 */
@ExtendWith(LabExtension.class)
class EncryptionAtRestIT {
    private static Lab lab;

    @BeforeAll
    static void installed(Lab theLab) {
        lab = theLab;
        Run install = Run.oth("install", "--site", lab.site().toString());
        assertEquals(0, install.code(), install::toString);
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

    @Test
    void theKeyFileIsMysqlsAloneAndTheOperatorKeepsItsOrigin() throws Exception {
        assertEquals("mysql:mysql 400", lab.exec("storage", "stat", "-c", "%U:%G %a", "/etc/mysql/oth-encryption/keyfile").strip());
        Secrets secrets = Secrets.open(StateDir.of(SiteLoader.load(lab.site()).name()).resolve("secrets.yml"));
        assertTrue(secrets.get("mariadb.encryption").isPresent(), "a restore elsewhere needs the key: the operator's secrets keep it");
        Run check = Run.oth("install", "--check", "--site", lab.site().toString());
        assertNotEquals(6, check.code(), () -> "a second install plans nothing: " + check);
    }
}
