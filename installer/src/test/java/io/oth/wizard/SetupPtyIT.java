package io.oth.wizard;

import io.oth.lab.Lab;
import io.oth.site.Site;
import io.oth.site.SiteLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged {@code oth}, with no arguments, under a real pseudo-terminal (expect): a person's way
 * from nothing to a site file, including a masked secret. No lab: the site is reached directly and
 * the host key step is declined.
 */
class SetupPtyIT {
    @TempDir
    Path dir;

    @Test
    void othWithoutArgumentsOnATerminalWalksToAValidSiteFile() throws Exception {
        Path key = dir.resolve("id_ed25519");
        Files.writeString(key, "key\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String password = "pty-Secret-2468";
        List<String[]> dialog = List.of(
                new String[] {"Public name of the site", "oth.example.test"},
                new String[] {"Short site name", ""},
                new String[] {"address, or \"direct\"", "direct"},
                new String[] {"User on the nodes", ""},
                new String[] {"Private key for the nodes", key.toString()},
                new String[] {"SSH port of the nodes", ""},
                new String[] {"nodes>", "add lb"},
                new String[] {"Name", ""},
                new String[] {"Private address", "10.77.0.2"},
                new String[] {"Public address", "203.0.113.20"},
                new String[] {"nodes>", "add app"},
                new String[] {"Name", ""},
                new String[] {"Private address", "10.77.0.101"},
                new String[] {"nodes>", "add storage"},
                new String[] {"Name", ""},
                new String[] {"Private address", "10.77.0.20"},
                new String[] {"nodes>", "done"},
                new String[] {"Go on anyway?", "y"},
                new String[] {"to check their host keys?", "n"},
                new String[] {"Features [", "sms"},
                new String[] {"database (MariaDB), local or external", "external"},
                new String[] {"host", "db.example.test"},
                new String[] {"port", ""},
                new String[] {"user", ""},
                new String[] {"password (not shown)", password},
                new String[] {"broker", ""},
                new String[] {"object store", ""},
                new String[] {"Certificate bundle", ""},
                new String[] {"application release bundle", ""},
                new String[] {"traefik release bundle", ""},
                new String[] {"MinIO release bundle", ""},
                new String[] {"Support access addresses", ""},
                new String[] {"Write the site file to", dir.resolve("site.yml").toString()},
                new String[] {"Write " + dir.resolve("site.yml") + "?", ""},
                new String[] {"(oth doctor --preflight) now?", "n"},
                new String[] {"(oth install) now?", "n"});
        StringBuilder script = new StringBuilder("set timeout 20\nlog_user 1\nspawn -noecho ")
                .append(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString())).append("\n");
        for (String[] step : dialog) {
            script.append("expect {\n  -ex {").append(step[0]).append("} {}\n  timeout {puts \"\\nTIMEOUT waiting for: ")
                    .append(step[0].replace("\"", "'")).append("\"; exit 3}\n  eof {puts \"\\nEOF waiting for: ")
                    .append(step[0].replace("\"", "'")).append("\"; exit 4}\n}\n")
                    .append("send -- {").append(step[1]).append("}\nsend \"\\r\"\n");
        }
        script.append("expect eof\nlassign [wait] pid spawnid os code\nexit $code\n");
        Path expect = dir.resolve("setup.exp");
        Files.writeString(expect, script);

        ProcessBuilder builder = new ProcessBuilder("expect", expect.toString()).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().put("XDG_STATE_HOME", dir.resolve("state").toString());
        builder.environment().put("TERM", "xterm");
        builder.environment().remove("OTH_DATABASE_PASSWORD");
        Process process = builder.start();
        process.getOutputStream().close();
        String screen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), screen);
        assertEquals(0, process.exitValue(), screen);

        Site site = SiteLoader.load(dir.resolve("site.yml"));
        assertEquals(List.of("lb", "app1", "storage"), site.nodes().stream().map(io.oth.site.Node::name).toList());
        assertEquals("db.example.test", site.storage().database().external().orElseThrow().host());
        assertTrue(screen.contains("Wrote " + dir.resolve("site.yml")), screen);
        assertFalse(screen.contains(password), () -> "the password is not echoed\n" + screen);
        assertFalse(Files.readString(dir.resolve("site.yml")).contains(password));
        Path secrets = dir.resolve("state/oth/oth/secrets.yml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertTrue(Files.readString(secrets).contains("external.database.password: " + password));
    }
}
