package io.oth.install.phase;

import io.oth.secret.AgeKey;
import io.oth.install.BackupStore;
import io.oth.install.InstallPlaybook;
import io.oth.secret.Secret;
import io.oth.template.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backup script as install renders it, run here with Debian's sh, gzip and age and a stand-in
 * for mariadb-dump (the lab runs the real one): the dump never touches the disk unencrypted, and a
 * dump that fails fails the backup although the pipe's last stage succeeded (dash has no pipefail).
 */
class BackupScriptTest {
    private static final String PLANTED = "CREATE TABLE probe; INSERT INTO probe VALUES ('a planted value');";

    @TempDir
    Path dir;

    private final Secret identity = AgeKey.generate(new SecureRandom());

    private Path render() throws IOException {
        Path config = dir.resolve("s3.curl");
        // Nothing listens on port 1: the copy to the bucket fails, after the backup is made.
        Files.writeString(config, new BackupStore("https://127.0.0.1:1/oth", "us-east-1", "oth-backup", Secret.of("s3cret-Key\"\\x"), Optional.empty())
                .curlConfig().reveal());
        String script = Templates.render("backup/oth-backup.peb", DatabaseBackups.script("lab", new InstallPlaybook.Backups(dir.resolve("kept").toString(), 5),
                AgeKey.recipient(identity), "https://127.0.0.1:1/oth", config.toString()));
        Path file = dir.resolve("oth-backup");
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private Path fakeDump(boolean fails) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path dump = bin.resolve("mariadb-dump");
        Files.writeString(dump, "#!/bin/sh\necho \"" + PLANTED + "\"\n" + (fails ? "exit 2\n" : ""));
        Files.setPosixFilePermissions(dump, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    @Test
    void theScriptIsValidShellAndNamesNoSecret() throws Exception {
        Path script = render();
        String text = Files.readString(script);
        assertEquals(0, run(List.of("sh", "-n", script.toString()), null).code());
        assertTrue(text.contains("age -r " + AgeKey.recipient(identity)), text);
        assertFalse(text.contains("s3cret") || text.contains("AGE-SECRET-KEY"), text);
        assertTrue(text.contains("-K " + dir.resolve("s3.curl")), text);
    }

    @Test
    void theCurlConfigQuotesTheKeyAndRefusesWhatCannotBeQuoted() {
        String config = new BackupStore("https://s3.example/b", "eu-west-1", "AKIA1", Secret.of("a\"b\\c"), Optional.of("/ca.pem")).curlConfig().reveal();
        assertTrue(config.contains("user = \"AKIA1:a\\\"b\\\\c\"\n"), config);
        assertTrue(config.contains("aws-sigv4 = \"aws:amz:eu-west-1:s3\"\n"), config);
        assertTrue(config.contains("cacert = \"/ca.pem\"\n"), config);
        assertThrows(IllegalArgumentException.class, () -> new BackupStore("https://s3.example/b", "eu-west-1", "AKIA1", Secret.of("a\nurl = x"), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new BackupStore("https://s3.example/b", "eu-west-1", "A:B", Secret.of("secret12"), Optional.empty()));
    }

    @Test
    void aBackupIsEncryptedBeforeItTouchesTheDiskAndKeptWhenTheBucketIsAway() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/age")), "age is not installed");
        Result r = run(List.of("sh", render().toString()), fakeDump(false));
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("made, but the bucket could not be listed"), r.toString());
        List<Path> kept = files(dir.resolve("kept"));
        assertEquals(1, kept.size(), kept::toString);
        Path backup = kept.get(0);
        assertTrue(backup.getFileName().toString().matches("oth-\\d{8}T\\d{6}Z\\.sql\\.gz\\.age"), backup.toString());
        String raw = Files.readString(backup, StandardCharsets.ISO_8859_1);
        assertTrue(raw.startsWith("age-encryption.org/v1\n"), "an age file");
        assertFalse(raw.contains("planted") || raw.contains("CREATE TABLE"));
        Result clear = run(List.of("sh", "-c", "age -d -i - " + backup + " | gunzip"), null, identity.reveal() + "\n");
        assertEquals(PLANTED + "\n", clear.out(), clear.toString());
    }

    @Test
    void aFailedDumpFailsTheBackupAndLeavesNoFile() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/age")), "age is not installed");
        Result r = run(List.of("sh", render().toString()), fakeDump(true));
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("mariadb-dump failed: no backup made"), r.toString());
        assertEquals(List.of(), files(dir.resolve("kept")));
    }

    @Test
    void fetchTakesOnlyABackupId() throws Exception {
        Result r = run(List.of("sh", render().toString(), "fetch", "../../etc/passwd"), null);
        assertEquals(2, r.code(), r.toString());
        assertEquals(2, run(List.of("sh", render().toString(), "drop"), null).code());
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(List<String> argv, Path bin) throws Exception {
        return run(argv, bin, "");
    }

    private static Result run(List<String> argv, Path bin, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (bin != null) {
            builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        }
        Process p = builder.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err);
    }
}
