package io.oth.sample;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.oth.sample.HealthCheck.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/** The object store (S3 API): puts a probe object {@code healthz/<node>-<random>}, reads it back, deletes it. */
final class ObjectStoreCheck implements HealthCheck.Probe {

    /** How long an idle connection stays pooled: less than the server's idle timeout. */
    static final int POOLED_SECONDS = 20;

    private final ObjectStoreSettings settings;
    private final String node;
    private final MinioClient client;
    private final ConnectionPool pool = new ConnectionPool(4, POOLED_SECONDS, TimeUnit.SECONDS);

    ObjectStoreCheck(ObjectStoreSettings settings, String node, Duration timeout) throws GeneralSecurityException {
        this.settings = settings;
        this.node = node;
        // A kept-alive connection is dropped here before the server's own idle timeout (MinIO's is 30 s) can close it under a
        // request; one closed anyway (a restart) is retried once on a new connection, as S3 clients do. A server that is down
        // still fails the check: the new connection is refused too.
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout).callTimeout(timeout)
                .connectionPool(pool)
                .retryOnConnectionFailure(true);
        if (settings.caFile().isPresent()) {
            CaFile ca = settings.caFile().get();
            X509TrustManager trust = ca.trustManager();
            http.sslSocketFactory(ca.sslContext().getSocketFactory(), trust);
        }
        client = MinioClient.builder()
                .endpoint(settings.endpoint().toString())
                .region(settings.region())
                .credentials(settings.accessKey(), settings.secretKey().reveal())
                .httpClient(http.build())
                .build();
    }

    static HealthCheck of(ObjectStoreSettings settings, String node, Duration timeout) throws GeneralSecurityException {
        return new HealthCheck("objects", timeout, new ObjectStoreCheck(settings, node, timeout));
    }

    /** A {@code fresh} check drops the pooled connections first: its requests go on a new one. */
    @Override
    public Result run(boolean fresh) {
        if (fresh) {
            pool.evictAll();
        }
        String name = "healthz/" + node + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String path = settings.bucket() + "/" + name;
        byte[] probe = ("healthz " + name).getBytes(StandardCharsets.UTF_8);
        try {
            client.putObject(PutObjectArgs.builder().bucket(settings.bucket()).object(name)
                    .data(probe, probe.length).contentType("text/plain").build());
        } catch (MinioException | RuntimeException e) {
            return Result.fail("put " + path + ": " + reason(e));
        }
        byte[] back;
        try (GetObjectResponse response = client.getObject(
                GetObjectArgs.builder().bucket(settings.bucket()).object(name).build())) {
            back = response.readAllBytes();
        } catch (MinioException | IOException | RuntimeException e) {
            removeQuietly(name);
            return Result.fail("get " + path + ": " + reason(e));
        }
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(name).build());
        } catch (MinioException | RuntimeException e) {
            return Result.fail("delete " + path + ": " + reason(e));
        }
        return Arrays.equals(back, probe) ? Result.pass() : Result.fail("get " + path + ": not what was put");
    }

    /** After a failed read the read's failure is reported; a probe object left behind is harmless. */
    private void removeQuietly(String name) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(name).build());
        } catch (MinioException | RuntimeException e) {
            // already failing for the read's reason
        }
    }

    /** S3's own error code and message when the server answered, else the network or TLS cause. */
    private String reason(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ErrorResponseException error && error.errorResponse() != null) {
                String reason = error.errorResponse().code() + " (" + error.errorResponse().message() + ")";
                return settings.secretKey().maskIn(reason);
            }
        }
        return FailureReason.describe(e, settings.secretKey());
    }
}
