package io.oth.site;

import io.oth.secret.ExternalSecret;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * For each storage service, local (on the storage node) or an external endpoint.
 *
 * @param plainAmqp a local RabbitMQ also listens for plain AMQP and plain management, and the
 *                  firewall opens them (the rules with {@code when: plain_amqp}); off unless the site asks
 */
public record Storage(Service database, Service broker, ObjectStore objects, boolean plainAmqp) {

    /** A database or broker: local when {@code external} is empty. */
    public record Service(Optional<External> external) {
        public boolean isLocal() {
            return external.isEmpty();
        }
    }

    /** An external database or broker; {@code user} is the application's account there (not secret). */
    public record External(String host, int port, String user) {
    }

    /** Object storage: local MinIO, or an external S3 endpoint. */
    public record ObjectStore(Optional<S3> external) {
        public boolean isLocal() {
            return external.isEmpty();
        }
    }

    /** An external S3 store; {@code accessKey} is the application's key id (its secret key is in the secrets file). */
    public record S3(String endpoint, String region, String bucket, String accessKey) {
    }

    public boolean anyLocal() {
        return database.isLocal() || broker.isLocal() || objects.isLocal();
    }

    /** The credentials oth is given for this storage, not generates: one per external service. */
    public List<ExternalSecret> externalSecrets() {
        List<ExternalSecret> needed = new ArrayList<>();
        if (!database.isLocal()) {
            needed.add(ExternalSecret.DATABASE_PASSWORD);
        }
        if (!broker.isLocal()) {
            needed.add(ExternalSecret.BROKER_PASSWORD);
        }
        if (!objects.isLocal()) {
            needed.add(ExternalSecret.OBJECTS_SECRET_KEY);
        }
        return needed;
    }
}
