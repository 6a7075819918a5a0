package io.oth.minio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.oth.secret.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The S3 reads against a loopback server answering as MinIO does, and as a hostile one might. */
class S3ReadsTest {
    private static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile byte[] answer = new byte[0];
    private S3Reads s3;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + authorization.substring(0, Math.min(45, authorization.length())));
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head || answer.length == 0 ? -1 : answer.length);
            if (!head && answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        s3 = new S3Reads(new OkHttpClient(), "http://127.0.0.1:" + server.getAddress().getPort(), "oth-app", Secret.of("not-a-real-secret-key"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(int code, String body) {
        status = code;
        answer = body.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBucketExistsWhenHeadSaysSoAndNotWhenItIsNotFound() throws Exception {
        answer(200, "");
        assertTrue(s3.bucketExists("oth"));
        answer(404, "");
        assertFalse(s3.bucketExists("oth"));
        answer(403, "");
        MinioRefusal refused = assertThrows(MinioRefusal.class, () -> s3.bucketExists("oth"));
        assertEquals(403, refused.status());
        assertEquals("AccessDenied", refused.code());
        assertEquals("HEAD /oth AWS4-HMAC-SHA256 Credential=oth-app/", seen.get(0).substring(0, 46));
    }

    @Test
    void theDefaultEncryptionIsReadAndItsAbsenceIsNoError() throws Exception {
        answer(200, XML + "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault>"
                + "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>");
        assertEquals(Optional.of("AES256"), s3.defaultEncryption("oth"));
        assertTrue(seen.get(0).startsWith("GET /oth?encryption= AWS4-HMAC-SHA256"), seen.get(0));

        answer(404, XML + "<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>none</Message></Error>");
        assertEquals(Optional.empty(), s3.defaultEncryption("oth"));
        answer(404, XML + "<Error><Code>NoSuchBucket</Code></Error>");
        assertEquals("NoSuchBucket", assertThrows(MinioRefusal.class, () -> s3.defaultEncryption("oth")).code());
    }

    @Test
    void aListingSaysWhetherTheKeyIsTaken() throws Exception {
        answer(200, XML + "<ListBucketResult><Name>oth</Name><KeyCount>0</KeyCount></ListBucketResult>");
        s3.listOne("oth");
        assertTrue(seen.get(0).startsWith("GET /oth?list-type=2&max-keys=1 AWS4-HMAC-SHA256"), seen.get(0));
        answer(403, XML + "<Error><Code>SignatureDoesNotMatch</Code></Error>");
        assertEquals("SignatureDoesNotMatch", assertThrows(MinioRefusal.class, () -> s3.listOne("oth")).code());
    }

    @Test
    void aHostileAnswerIsBoundedAndNeverTakenForMoreThanAPlainWord() throws Exception {
        answer(200, "<SSEAlgorithm>" + "A".repeat(SignedCalls.MAX_BODY) + "</SSEAlgorithm>");
        IOException big = assertThrows(IOException.class, () -> s3.defaultEncryption("oth"));
        assertTrue(big.getMessage().contains("more than"), big.getMessage());

        // Entities are never expanded, markup in a value is no value, and an error without a
        // plain code is named by its status.
        answer(200, "<!DOCTYPE x [<!ENTITY e \"AES256\">]><ServerSideEncryptionConfiguration><SSEAlgorithm>&e;</SSEAlgorithm></ServerSideEncryptionConfiguration>");
        assertEquals(Optional.empty(), s3.defaultEncryption("oth"));
        answer(200, "<SSEAlgorithm>AES256<x/></SSEAlgorithm>");
        assertEquals(Optional.empty(), s3.defaultEncryption("oth"));
        answer(500, "<Error><Code>; rm -rf /</Code></Error>");
        assertEquals("HTTP500", assertThrows(MinioRefusal.class, () -> s3.listOne("oth")).code());
    }

    @Test
    void theAdminApisAnswersAreBoundedAsWell() {
        MinioAdmin admin = new MinioAdmin(new OkHttpClient(), "http://127.0.0.1:" + server.getAddress().getPort(), "oth-root", Secret.of("not-a-real-secret"));
        answer(200, "{\"status\":\"enabled\",\"policyName\":\"" + "a".repeat(SignedCalls.MAX_BODY) + "\"}");
        IOException big = assertThrows(IOException.class, () -> admin.user("oth-app"));
        assertTrue(big.getMessage().contains("more than"), big.getMessage());
        assertTrue(seen.get(0).startsWith("GET /minio/admin/v3/user-info?accessKey=oth-app AWS4-HMAC-SHA256"), seen.get(0));
    }
}
