package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.cli.Run;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A site that takes storage services from elsewhere: no local service for them, and their endpoints must answer. */
@ExtendWith(LabExtension.class)
class ExternalStorageIT {

    @TempDir
    Path tmp;

    @Test
    void externalServicesAreCheckedFromTheAppNodesInsteadOfInstalled(Lab lab) throws Exception {
        // a lab "internet" endpoint that answers TCP stands for an external database; nothing answers at 198.51.100.99
        String text = lab.siteText().replace("  database: local\n  broker: local\n",
                "  database: {external: {host: 198.51.100.11, port: 443}}\n  broker: {external: {host: 198.51.100.99, port: 5671}}\n");
        assertTrue(text.contains("198.51.100.99"), "the site variant was made");
        Path site = tmp.resolve("site.yml");
        Files.writeString(site, text);

        Run check = Run.oth("install", "--check", "--site", site.toString());
        assertEquals(ExitCode.PENDING.code(), check.code(), check::toString);
        for (int i = 1; i <= lab.apps(); i++) {
            assertTrue(check.out().contains("[app" + i + "] would fail: cannot reach the external broker 198.51.100.99:5671 from here"),
                    check::toString);
        }
        assertFalse(check.out().contains("external database 198.51.100.11"), () -> "the external database answers\n" + check);
        assertFalse(check.out().contains("certificate for mariadb") || check.out().contains("certificate for rabbitmq")
                || check.out().contains("60-oth.cnf") || check.out().contains("rabbitmq.conf"), () -> "no local database or broker is set up\n" + check);
        assertTrue(check.out().contains("+database.host=198.51.100.11"), check::toString);
        assertTrue(check.out().contains("+database.ca_file=/etc/ssl/certs/ca-certificates.crt"), check::toString);
        assertTrue(check.out().contains("+broker.host=198.51.100.99"), check::toString);
    }
}
