package io.oth.check;

import io.minio.GetBucketEncryptionArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.SseConfiguration;
import io.oth.install.phase.ExternalEndpoints;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.secret.ExternalSecret;
import io.oth.secret.Secret;
import io.oth.secret.Secrets;
import io.oth.site.Node;
import io.oth.site.Site;
import io.oth.site.Storage;
import okhttp3.OkHttpClient;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * posture.encryption for an external S3 endpoint: from the first app node (where the application
 * reaches it), GetBucketEncryption on the site's bucket, signed with the application's own key.
 * oth does not run that store, so a bucket without default encryption is a warning with the way to
 * turn it on, not a failure; an answer that is no answer (access denied, no such bucket) says so.
 * TLS is checked as the application checks it: the system's CAs, the endpoint's name.
 */
final class ExternalObjectsEncryptionCheck {
    private final Site site;
    private final Supplier<Optional<Secrets>> secrets;
    private final Duration timeout;

    ExternalObjectsEncryptionCheck(Site site, Supplier<Optional<Secrets>> secrets, Duration timeout) {
        this.site = site;
        this.secrets = secrets;
        this.timeout = timeout;
    }

    /** The first app node, when the site's objects are external. */
    boolean runsOn(Node node) {
        return site.storage().objects().external().isPresent() && node.role().equals(Vantage.APP)
                && site.nodesWithRole(Vantage.APP).get(0).name().equals(node.name());
    }

    Finding on(Node node, Host host) {
        Storage.S3 s3 = site.storage().objects().external().orElseThrow();
        String target = "S3 bucket " + s3.bucket() + " at " + s3.endpoint();
        Optional<Secret> secretKey = secrets.get().flatMap(s -> ExternalSecret.OBJECTS_SECRET_KEY.resolve(s, System::getenv));
        if (secretKey.isEmpty()) {
            return new Finding(EncryptionAtRestCheck.ID, node.name(), target, Verdict.SKIP, "the application's secret key is not on this machine",
                    "run oth doctor where oth install ran (or set " + ExternalSecret.OBJECTS_SECRET_KEY.variable() + ")");
        }
        URI endpoint = URI.create(s3.endpoint());
        try (Forward forward = host.forward(endpoint.getHost(), ExternalEndpoints.port(endpoint))) {
            if (encrypted(client(endpoint, forward.localPort(), s3, secretKey.get()), s3.bucket())) {
                return Finding.ok(EncryptionAtRestCheck.ID, node.name(), target, "default encryption is on");
            }
            return new Finding(EncryptionAtRestCheck.ID, node.name(), target, Verdict.WARN, "the bucket has no default encryption: objects may be"
                    + " stored in plaintext", "turn it on at the provider: PutBucketEncryption with SSE-S3 (e.g. mc encrypt set sse-s3, or"
                    + " aws s3api put-bucket-encryption); then re-write the objects already there");
        } catch (RemoteException e) {
            return new Finding(EncryptionAtRestCheck.ID, node.name(), target, Verdict.FAIL, "cannot reach the endpoint from " + node.name()
                    + ": " + e.getMessage(), "see outbound checks and the site file's storage.objects.external.endpoint");
        } catch (ErrorResponseException e) {
            return new Finding(EncryptionAtRestCheck.ID, node.name(), target, Verdict.WARN, "the endpoint did not say whether the bucket encrypts: "
                    + e.errorResponse().code(), "the application's key needs s3:GetEncryptionConfiguration on the bucket for this check");
        } catch (Exception e) {
            return new Finding(EncryptionAtRestCheck.ID, node.name(), target, Verdict.FAIL, "GetBucketEncryption failed: "
                    + e.getClass().getSimpleName(), "is " + s3.endpoint() + " an S3 endpoint with a certificate the system trusts?");
        }
    }

    /** Whether the bucket has a default encryption (S3's "no configuration" error is "off"). */
    static boolean encrypted(MinioClient client, String bucket) throws Exception {
        SseConfiguration configuration;
        try {
            configuration = client.getBucketEncryption(GetBucketEncryptionArgs.builder().bucket(bucket).build());
        } catch (ErrorResponseException e) {
            if (e.errorResponse().code().equals("ServerSideEncryptionConfigurationNotFoundError")) {
                return false;
            }
            throw e;
        }
        return configuration != null && configuration.rule() != null && configuration.rule().sseAlgorithm() != null;
    }

    /**
     * A client whose every connection goes to the forward's local port on loopback, TLS checking
     * the endpoint's own name: a host name is kept in the URL (so it is also sent, SNI) and resolved
     * to loopback; an address is replaced by loopback and checked by the verifier.
     */
    private MinioClient client(URI endpoint, int localPort, Storage.S3 s3, Secret secretKey) {
        long millis = timeout.toMillis();
        String host = endpoint.getHost();
        boolean address = host.startsWith("[") || host.matches("[0-9.]+");
        OkHttpClient.Builder http = new OkHttpClient.Builder().connectTimeout(millis, TimeUnit.MILLISECONDS)
                .readTimeout(millis, TimeUnit.MILLISECONDS).callTimeout(millis, TimeUnit.MILLISECONDS).retryOnConnectionFailure(false);
        if (address) {
            String bare = host.replaceAll("^\\[|\\]$", "");
            http.hostnameVerifier((name, session) -> okhttp3.internal.tls.OkHostnameVerifier.INSTANCE.verify(bare, session));
        } else {
            http.dns(name -> {
                if (!name.equalsIgnoreCase(host)) {
                    throw new java.net.UnknownHostException(name + ": only the endpoint is reached, through the forward");
                }
                return List.of(InetAddress.getLoopbackAddress());
            });
        }
        String url = endpoint.getScheme() + "://" + (address ? "127.0.0.1" : host) + ":" + localPort;
        return MinioClient.builder().endpoint(url).region(s3.region()).credentials(s3.accessKey(), secretKey.reveal()).httpClient(http.build()).build();
    }
}
