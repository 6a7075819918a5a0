package io.oth.check;

import com.sun.net.httpserver.HttpServer;
import io.oth.op.Probe;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.Site;
import io.oth.site.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** posture.encryption for the object store: the site's MinIO (from install's read) and an external S3 endpoint (GetBucketEncryption). */
class ObjectsEncryptionCheckTest {
    private static final String ON = "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
            + "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>"
            + "</ServerSideEncryptionConfiguration>";
    private static final String NOT_FOUND = "<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code>"
            + "<Message>The server side encryption configuration was not found</Message><BucketName>oth-files</BucketName></Error>";

    @TempDir
    Path temp;

    @Test
    void theSitesMinioFailsWhenItsBucketDoesNotEncrypt() {
        Finding on = ObjectAccountsCheck.atRest("storage", new Probe.Answer(0, "AES256"));
        assertEquals(Verdict.OK, on.verdict(), on::toString);
        assertEquals("posture.encryption", on.id());
        Finding off = ObjectAccountsCheck.atRest("storage", new Probe.Answer(1, "off"));
        assertEquals(Verdict.FAIL, off.verdict(), off::toString);
        assertEquals("bucket oth has no default encryption: MinIO stores new objects in plaintext", off.cause());
        assertTrue(off.hint().startsWith("oth install"), off::toString);
    }

    @Test
    void anExternalBucketWithDefaultEncryptionIsOkAndOneWithoutIsAWarning() throws Exception {
        List<String> asked = new ArrayList<>();
        String[] answer = {ON};
        int[] status = {200};
        HttpServer s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s3.createContext("/", exchange -> {
            asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = answer[0].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s3.start();
        try {
            Site site = Sites.lab(new Storage(Sites.ALL_LOCAL.database(), Sites.ALL_LOCAL.broker(), new Storage.ObjectStore(Optional.of(
                    new Storage.S3("http://198.51.100.30:9000", "eu-west-1", "oth-files", "AKIAOTHAPP"))), false), Set.of());
            Secrets secrets = Secrets.open(temp.resolve("secrets.yml"));
            secrets.put(ExternalSecret.OBJECTS_SECRET_KEY.secretName(), Secret.of("app-secret-key-0123"));
            ExternalObjectsEncryptionCheck check = new ExternalObjectsEncryptionCheck(site, () -> Optional.of(secrets), Duration.ofSeconds(5));
            ScriptedHost app1 = new ScriptedHost("app1", key -> new Probe.Answer(0, "")).forwardingTo(s3.getAddress().getPort());
            assertTrue(check.runsOn(Sites.node(site, "app1")));
            assertFalse(check.runsOn(Sites.node(site, "app2")), "one app node asks");

            Finding on = check.on(Sites.node(site, "app1"), app1);
            assertEquals(Verdict.OK, on.verdict(), on::toString);
            assertEquals("S3 bucket oth-files at http://198.51.100.30:9000", on.target());
            assertTrue(asked.get(0).startsWith("GET /oth-files?encryption") && asked.get(0).contains("Credential=AKIAOTHAPP/"), asked::toString);

            answer[0] = NOT_FOUND;
            status[0] = 404;
            Finding off = check.on(Sites.node(site, "app1"), app1);
            assertEquals(Verdict.WARN, off.verdict(), off::toString);
            assertTrue(off.hint().contains("PutBucketEncryption with SSE-S3"), off::toString);
            assertFalse(off.toString().contains("app-secret-key-0123"));
        } finally {
            s3.stop(0);
        }
    }

    @Test
    void withoutTheApplicationsSecretKeyTheExternalCheckIsSkipped() {
        Site site = Sites.lab(new Storage(Sites.ALL_LOCAL.database(), Sites.ALL_LOCAL.broker(), new Storage.ObjectStore(Optional.of(
                new Storage.S3("https://s3.example.com", "eu-west-1", "oth-files", "AKIAOTHAPP"))), false), Set.of());
        Finding f = new ExternalObjectsEncryptionCheck(site, Optional::empty, Duration.ofSeconds(5))
                .on(Sites.node(site, "app1"), new ScriptedHost("app1", key -> new Probe.Answer(0, "")));
        assertEquals(Verdict.SKIP, f.verdict(), f::toString);
    }
}
