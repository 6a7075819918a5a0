package io.oth.site;

/**
 * The ports the services oth configures listen on, each the port of a named inbound rule in
 * playbooks/roles.yml: the firewall opens exactly what the services are told to use.
 *
 * @param http           haproxy's plain HTTP, redirecting to HTTPS (lb)
 * @param https          haproxy's HTTPS (lb)
 * @param traefik        traefik on each app node, which haproxy forwards to
 * @param mariadb        MariaDB on the storage node
 * @param amqps          RabbitMQ's AMQP over TLS
 * @param amqp           RabbitMQ's plain AMQP, when the site asks for it
 * @param managementTls  RabbitMQ's management API over TLS
 * @param management     RabbitMQ's plain management API, when the site asks for plain AMQP
 * @param minio          MinIO's S3 API over TLS
 */
public record ServicePorts(int http, int https, int traefik, int mariadb, int amqps, int amqp, int managementTls, int management, int minio) {

    /** The name of traefik's port in playbooks/roles.yml. */
    public static final String TRAEFIK = "traefik";

    public static ServicePorts of(Playbooks playbooks) {
        Role lb = role(playbooks, Role.LB);
        Role app = role(playbooks, Role.APP);
        Role storage = role(playbooks, Role.STORAGE);
        return new ServicePorts(lb.port("http"), lb.port("https"), app.port(TRAEFIK), storage.port("mariadb"), storage.port("amqps"),
                storage.port("amqp"), storage.port("management-tls"), storage.port("management"),
                storage.port("minio"));
    }

    private static Role role(Playbooks playbooks, String name) {
        Role role = playbooks.roles().get(name);
        if (role == null) {
            throw new IllegalStateException("playbooks/roles.yml has no role " + name);
        }
        return role;
    }
}
