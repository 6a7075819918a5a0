package io.oth.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oth.secret.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    private static final Pattern GENERATED = Pattern.compile("[A-Za-z0-9]{32}");

    @TempDir
    Path home;

    private Path file() {
        return home.resolve("state/oth/site-a/secrets.yml");
    }

    @Test
    void valuesSurviveReopening() throws Exception {
        Secrets secrets = Secrets.open(file());
        String app = secrets.getOrCreate("mariadb.app").reveal();
        String admin = secrets.getOrCreate("rabbitmq.admin").reveal();
        secrets.put("minio.app.secret", Secret.of("given-by-the-customer"));

        Secrets reopened = Secrets.open(file());
        assertEquals(app, reopened.getOrCreate("mariadb.app").reveal());
        assertEquals(admin, reopened.get("rabbitmq.admin").orElseThrow().reveal());
        assertEquals("given-by-the-customer", reopened.get("minio.app.secret").orElseThrow().reveal());
        assertTrue(reopened.get("rabbitmq.app").isEmpty());
        assertEquals(Set.of("mariadb.app", "rabbitmq.admin", "minio.app.secret"), reopened.names());
    }

    @Test
    void valuesThatLookLikeOtherYamlTypesComeBackAsWritten() throws Exception {
        Map<String, String> tricky = Map.of("a", "0123", "b", "true", "c", "null", "d", "x: y # z", "e", "'\"quoted\"'", "f", "1e5",
                "g", " padded ", "h", "two\nlines");
        Secrets secrets = Secrets.open(file());
        for (Map.Entry<String, String> entry : tricky.entrySet()) {
            secrets.put(entry.getKey(), Secret.of(entry.getValue()));
        }

        Secrets reopened = Secrets.open(file());
        for (Map.Entry<String, String> entry : tricky.entrySet()) {
            assertEquals(entry.getValue(), reopened.get(entry.getKey()).orElseThrow().reveal(), entry.getKey());
        }
    }

    @Test
    void theFileIsOwnerOnly() throws Exception {
        Secrets.open(file()).getOrCreate("mariadb.app");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().resolveSibling("credentials.yml"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));
        try (var files = Files.list(file().getParent())) {
            assertEquals(List.of("credentials.yml", "secrets.yml", "secrets.yml.lock"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void aFileOthersCanReadIsRefusedWithItsName() throws Exception {
        Secrets.open(file()).getOrCreate("mariadb.app");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));

        SecretsException e = assertThrows(SecretsException.class, () -> Secrets.open(file()));
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("mode 0644") && e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void generatedPasswordsAreLongAlphanumericAndDifferent() throws Exception {
        Secrets secrets = Secrets.open(file());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String value = secrets.getOrCreate("generated-" + i).reveal();
            assertTrue(GENERATED.matcher(value).matches(), value);
            seen.add(value);
        }
        assertEquals(50, seen.size());
        String before = secrets.getOrCreate("rabbitmq.app").reveal();
        assertNotEquals(before, secrets.rotate("rabbitmq.app").reveal());
        assertEquals(secrets.get("rabbitmq.app").orElseThrow().reveal(), Secrets.open(file()).get("rabbitmq.app").orElseThrow().reveal());
    }

    @Test
    void valuesPrintAsStarsAndNeverInTheStoreText() throws Exception {
        Secrets secrets = Secrets.open(file());
        Secret secret = secrets.getOrCreate("mariadb.app");

        assertEquals("***", secret.toString());
        assertEquals("***", String.valueOf(secrets.get("mariadb.app").orElseThrow()));
        assertFalse(secrets.toString().contains(secret.reveal()), secrets.toString());
        assertTrue(secrets.toString().contains("mariadb.app"));
    }

    @Test
    void aDamagedFileIsRefusedWithoutQuotingIt() throws Exception {
        Secrets.open(file()).put("mariadb.app", Secret.of("s3cretvalue"));
        Files.writeString(file(), "mariadb.app: s3cretvalue\n  - broken: [\n");
        String broken = assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage();
        Files.writeString(file(), "mariadb.app:\n  nested: s3cretvalue\n");
        String nested = assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage();
        Files.writeString(file(), "- s3cretvalue\n");
        String list = assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage();

        for (String message : List.of(broken, nested, list)) {
            assertTrue(message.startsWith(file().toString()), message);
            assertFalse(message.contains("s3cretvalue"), message);
        }
        assertThrows(IllegalArgumentException.class, () -> Secrets.open(home.resolve("other.yml")).getOrCreate("Not A Name"));
    }

    @Test
    void aSecretsFileThatIsNotABoundedRegularFileIsRefusedNamingIt() throws Exception {
        Files.createDirectories(file().getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", file().toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertEquals(file() + " is a FIFO, not a regular file (expected a file of keys or passwords)",
                assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage());

        Files.delete(file());
        Files.writeString(file(), "mariadb.app: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        assertEquals(file() + ":1:77: not valid YAML: nested more than 64 levels deep",
                assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage());

        Files.writeString(file(), "mariadb.app: " + "x".repeat(1 << 20) + "\n");
        assertTrue(assertThrows(SecretsException.class, () -> Secrets.open(file())).getMessage()
                .endsWith(" bytes (expected a file of keys or passwords of at most 1 MiB)"));
    }

    @Test
    void concurrentCallersGetOneValuePerName() throws Exception {
        List<String> names = List.of("mariadb.app", "rabbitmq.app", "rabbitmq.admin", "minio.app.secret");
        // Two stores on one file stand for two oth runs: they must agree through the file, not memory.
        List<Secrets> stores = List.of(Secrets.open(file()), Secrets.open(file()));
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Secrets store = stores.get(t % 2);
                done.add(pool.submit(() -> {
                    start.await();
                    for (String name : names) {
                        seen.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(store.getOrCreate(name).reveal());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        Secrets reopened = Secrets.open(file());
        for (String name : names) {
            assertEquals(1, seen.get(name).size(), name + ": " + seen.get(name).size() + " different values");
            assertEquals(seen.get(name).iterator().next(), reopened.get(name).orElseThrow().reveal(), name);
        }
    }

    @Test
    void unsavedSecretsAreMadeInMemoryOnly() throws Exception {
        Secrets planned = Secrets.unsaved(file());
        Secret made = planned.getOrCreate("mariadb.app");
        assertEquals(made.reveal(), planned.getOrCreate("mariadb.app").reveal(), "one value per name within the run");
        assertFalse(Files.exists(home.resolve("state")), "neither the file nor its lock file");

        String kept = Secrets.open(file()).getOrCreate("rabbitmq.app").reveal();
        assertEquals(kept, Secrets.unsaved(file()).get("rabbitmq.app").orElseThrow().reveal());
    }
}
