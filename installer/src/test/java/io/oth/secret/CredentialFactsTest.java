package io.oth.secret;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When each credential was made and where a rotation stands, kept beside the secrets file: times, first sight, resume. */
class CredentialFactsTest {
    private static final Instant T0 = Instant.parse("2026-12-04T23:40:00Z");

    @TempDir
    Path home;

    private Path file() {
        return home.resolve("state/oth/site-a/secrets.yml");
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void aGeneratedOrGivenValueIsDatedWhenItIsMadeAndTheDateSurvivesReopening() throws Exception {
        Secrets secrets = Secrets.open(file(), at(T0));
        secrets.getOrCreate("mariadb.oth");
        secrets.put("external.database.password", io.oth.secret.Secret.of("given"));
        Secrets later = Secrets.open(file(), at(T0.plus(Duration.ofDays(3))));
        later.getOrCreate("mariadb.oth");
        assertEquals(Optional.of(new Secrets.Age(T0, true)), later.age("mariadb.oth"), "reading a value does not make it younger");
        assertEquals(Optional.of(new Secrets.Age(T0, true)), later.age("external.database.password"));
        later.rotate("mariadb.oth");
        assertEquals(Optional.of(new Secrets.Age(T0.plus(Duration.ofDays(3)), true)), Secrets.open(file()).age("mariadb.oth"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().resolveSibling("credentials.yml"))));
        assertFalse(Files.readString(file().resolveSibling("credentials.yml")).contains(later.get("mariadb.oth").orElseThrow().reveal()));
    }

    @Test
    void aSecretsFileFromBeforeTimesHasUnknownAgesUntilARunFirstSeesThem() throws Exception {
        Files.createDirectories(file().getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(file(), "mariadb.oth: Abc123\nrabbitmq.cookie: Def456\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        Secrets old = Secrets.open(file(), at(T0));
        assertEquals(Optional.empty(), old.age("mariadb.oth"));
        assertEquals("Abc123", old.get("mariadb.oth").orElseThrow().reveal(), "an existing file reads as it always did");
        old.noteFirstSight();
        Secrets seen = Secrets.open(file(), at(T0.plus(Duration.ofDays(1))));
        assertEquals(Optional.of(new Secrets.Age(T0, false)), seen.age("rabbitmq.cookie"));
        seen.noteFirstSight();
        assertEquals(Optional.of(new Secrets.Age(T0, false)), Secrets.open(file()).age("rabbitmq.cookie"), "first sight is kept, not moved");
        seen.rotate("rabbitmq.cookie");
        assertEquals(Optional.of(new Secrets.Age(T0.plus(Duration.ofDays(1)), true)), Secrets.open(file()).age("rabbitmq.cookie"));
    }

    @Test
    void aRotationThatBeganKeepsItsPasswordWhenResumedAndEndsWithTheNewAccountActive() throws Exception {
        Secrets secrets = Secrets.open(file(), at(T0));
        String first = secrets.getOrCreate("mariadb.oth").reveal();
        assertEquals(Optional.empty(), secrets.active("database"));
        String fresh = secrets.beginRotation("database", "oth_b", "mariadb.oth_b").reveal();
        Secrets resumed = Secrets.open(file(), at(T0));
        assertEquals(Optional.of("oth_b"), resumed.rotating("database"));
        assertEquals(fresh, resumed.beginRotation("database", "oth_b", "mariadb.oth_b").reveal(), "a resumed rotation reuses its new password");
        assertEquals(first, resumed.get("mariadb.oth").orElseThrow().reveal(), "the old account's password stays until the end");
        resumed.finishRotation("database");
        Secrets done = Secrets.open(file());
        assertEquals(Optional.of("oth_b"), done.active("database"));
        assertEquals(Optional.empty(), done.rotating("database"));
        String again = done.beginRotation("database", "oth", "mariadb.oth").reveal();
        assertNotEquals(first, again, "going back to the first account gives it a new password");
    }

    @Test
    void aDamagedFactsFileIsRefusedNamingTheEntry() throws Exception {
        Secrets.open(file()).getOrCreate("mariadb.oth");
        Path facts = file().resolveSibling("credentials.yml");
        Files.writeString(facts, "created:\n  mariadb.oth: yesterday\n");
        SecretsException e = assertThrows(SecretsException.class, () -> Secrets.open(file()));
        assertTrue(e.getMessage().contains("credentials.yml: created.mariadb.oth: not a UTC time"), e.getMessage());
        Files.writeString(facts, "active:\n  database: \"oth; DROP\"\n");
        e = assertThrows(SecretsException.class, () -> Secrets.open(file()));
        assertTrue(e.getMessage().contains("active.database: not an account name"), e.getMessage());
        Files.writeString(facts, "owner: me\n");
        e = assertThrows(SecretsException.class, () -> Secrets.open(file()));
        assertTrue(e.getMessage().contains("owner: unknown section"), e.getMessage());
    }
}
