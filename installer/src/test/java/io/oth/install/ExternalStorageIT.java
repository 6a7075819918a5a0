package io.oth.install;

import io.oth.cli.ExitCode;
import io.oth.lab.Lab;
import io.oth.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

        Path state = tmp.resolve("state");
        Launched missing = launch(state, Map.of(), "", "install", "--check", "--site", site.toString());
        assertEquals(ExitCode.USAGE.code(), missing.code(), missing::toString);
        assertTrue(missing.out().contains("external.database.password") && missing.out().contains("OTH_DATABASE_PASSWORD")
                && missing.out().contains("oth secrets set external.broker.password") && missing.out().contains("OTH_BROKER_PASSWORD"),
                missing::toString);
        assertTrue(missing.out().contains("nothing was uploaded"), missing::toString);

        Launched set = launch(state, Map.of(), "db-Secret-4711\n", "secrets", "set", "external.database.password", "--site", site.toString());
        assertEquals(0, set.code(), set::toString);
        assertFalse(set.out().contains("db-Secret-4711"), set::toString);
        Path secrets = state.resolve("oth/lab/secrets.yml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        assertTrue(Files.readString(secrets).contains("external.database.password: db-Secret-4711"));

        Launched check = launch(state, Map.of("OTH_BROKER_PASSWORD", "mq-Secret-0815"), "", "install", "--check", "--site", site.toString());
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
        // a new line on a fresh lab, context after an earlier install: either way the rendered file has it
        assertTrue(check.out().matches("(?s).*\\] [ +]database\\.user=oth\n.*") && check.out().matches("(?s).*\\] [ +]broker\\.user=oth-app\n.*"),
                check::toString);
        for (String file : new String[] {"database.password", "broker.password"}) {
            assertTrue(check.out().contains("/etc/oth-app/secrets/" + file + " (0600 oth-app:oth-app)"), () -> file + " planned\n" + check);
        }
        assertFalse(check.out().contains("db-Secret-4711") || check.out().contains("mq-Secret-0815"), check::toString);
    }

    private record Launched(int code, String out) {
        @Override
        public String toString() {
            return "exit " + code + "\n" + out;
        }
    }

    /** The packaged oth with its own state directory, an environment and standard input. */
    private static Launched launch(Path state, Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(System.getProperty("oth.launcher", Lab.repo().resolve("installer/target/oth").toString())));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("XDG_STATE_HOME", state.toString());
        builder.environment().remove("OTH_DATABASE_PASSWORD");
        builder.environment().remove("OTH_BROKER_PASSWORD");
        builder.environment().remove("OTH_OBJECTS_SECRET_KEY");
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        return new Launched(process.exitValue(), out);
    }
}
