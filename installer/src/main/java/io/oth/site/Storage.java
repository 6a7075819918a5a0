package io.oth.site;

import java.util.Optional;

/**
 * For each storage service, local (on the storage node) or an external endpoint.
 *
 * @param plainAmqp a local RabbitMQ also listens for plain AMQP on 5672 (off unless the site asks)
 */
public record Storage(Service database, Service broker, ObjectStore objects, boolean plainAmqp) {

    /** A database or broker: local when {@code external} is empty. */
    public record Service(Optional<External> external) {
        public boolean isLocal() {
            return external.isEmpty();
        }
    }

    public record External(String host, int port) {
    }

    /** Object storage: local MinIO, or an external S3 endpoint. */
    public record ObjectStore(Optional<S3> external) {
        public boolean isLocal() {
            return external.isEmpty();
        }
    }

    public record S3(String endpoint, String region, String bucket) {
    }

    public boolean anyLocal() {
        return database.isLocal() || broker.isLocal() || objects.isLocal();
    }
}
