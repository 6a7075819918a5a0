package io.oth.check;

import io.oth.secret.Secrets;
import io.oth.site.AppAccounts;
import io.oth.site.Site;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.credentials from the site's secrets, and which account of a pair is active, idle or locked as a rotation goes. */
class CredentialsCheckTest {
    private static final Instant MADE = Instant.parse("2026-09-01T12:00:00Z");

    @TempDir
    Path home;

    private Secrets secrets() throws Exception {
        Secrets secrets = Secrets.open(home.resolve("secrets.yml"), Clock.fixed(MADE, ZoneOffset.UTC));
        for (String name : List.of("mariadb.oth", "rabbitmq.oth-app", "rabbitmq.oth-admin", "rabbitmq.cookie", "minio.oth-app", "minio.root", "mariadb.encryption")) {
            secrets.getOrCreate(name);
        }
        return secrets;
    }

    private static Clock daysLater(long days) {
        return Clock.fixed(MADE.plus(Duration.ofDays(days)), ZoneOffset.UTC);
    }

    @Test
    void eachCredentialInUseIsReportedWithItsAgeAndWarnedPastTheLimit() throws Exception {
        Secrets secrets = secrets();
        List<Finding> young = CredentialsCheck.findings(Sites.lab(), Optional.of(secrets), daysLater(10));
        assertEquals(List.of("mariadb.oth", "rabbitmq.oth-app", "rabbitmq.oth-admin", "rabbitmq.cookie", "minio.oth-app", "minio.root"),
                young.stream().map(Finding::target).toList(), "the encryption key is no credential a rotation replaces");
        assertTrue(young.stream().allMatch(f -> f.verdict() == Verdict.OK && f.vantage().equals(Vantage.OPERATOR)), young::toString);
        assertEquals("the application's MariaDB password: 10 day(s) old, limit 90", young.get(0).cause());

        List<Finding> old = CredentialsCheck.findings(Sites.lab(), Optional.of(secrets), daysLater(91));
        Finding database = old.get(0);
        assertEquals(Verdict.WARN, database.verdict());
        assertEquals("oth secrets rotate --service database", database.hint());
    }

    @Test
    void anExternalServicesCredentialIsTheProvidersAndNotReported() throws Exception {
        Storage external = new Storage(new Storage.Service(Optional.of(new Storage.External("db.example.com", 3306, "othdb"))),
                new Storage.Service(Optional.empty()), new Storage.ObjectStore(Optional.empty()), false);
        Site site = Sites.lab(external, Set.of());
        List<Finding> findings = CredentialsCheck.findings(site, Optional.of(secrets()), daysLater(1));
        assertTrue(findings.stream().noneMatch(f -> f.target().startsWith("mariadb.")), findings::toString);
    }

    @Test
    void withoutSecretsOnThisMachineTheCheckIsSkipped() {
        assertEquals(Verdict.SKIP, CredentialsCheck.findings(Sites.lab(), Optional.empty(), daysLater(1)).get(0).verdict());
    }

    @Test
    void theIdleAccountOfAPairIsLockedExceptWhileARotationMovesTheApplicationToIt() throws Exception {
        Secrets secrets = secrets();
        AppAccounts.Pair pair = AppAccounts.DATABASE_ACCOUNTS;
        assertEquals("oth", pair.active(secrets).user(), "an existing site keeps its account as the first of the pair");
        assertEquals(Optional.of(pair.second()), pair.retired(secrets));
        assertEquals(pair.second(), pair.next(secrets), "a rotation moves to the idle account");
        secrets.beginRotation("database", "oth_b", "mariadb.oth_b");
        assertEquals(pair.second(), pair.next(secrets), "a rotation that was killed resumes towards the same account");
        assertEquals("oth", pair.active(secrets).user(), "the application stays on the old account until every node has moved");
        assertEquals(Optional.empty(), pair.retired(secrets), "both log in while the nodes move");
        secrets.finishRotation("database");
        assertEquals("oth_b", pair.active(secrets).user());
        assertEquals(Optional.of(pair.first()), pair.retired(secrets));
        assertEquals(pair.first(), pair.next(secrets), "the next rotation goes back to the first account");
        List<Finding> findings = CredentialsCheck.findings(Sites.lab(), Optional.of(secrets), daysLater(0));
        assertEquals("mariadb.oth_b", findings.get(0).target(), "the age reported is the active account's");
    }
}
