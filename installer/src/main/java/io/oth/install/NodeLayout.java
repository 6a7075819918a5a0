package io.oth.install;

import io.oth.op.UnpackOp;
import io.oth.site.Node;
import io.oth.site.Role;
import io.oth.site.Site;

import java.util.List;
import java.util.Map;

/**
 * Where oth puts things on the nodes: the one place a path on a node is written, for the install
 * phases that make them and for everything that reads them later (doctor, upgrade, backups, certs).
 */
public final class NodeLayout {
    /** The application's account and service. */
    public static final String APP_USER = "oth-app";
    public static final String APP_SERVICE = "oth-app";
    /** Where the application's output goes where systemd does not run it (its init script's --output), and its directory. */
    public static final String APP_LOG_DIR = "/var/log/oth-app";
    public static final String APP_LOG = APP_LOG_DIR + "/app.log";
    /** Where the application's releases and their bundles are. */
    public static final String APP_HOME = "/opt/oth-app/";
    /** The running release: a symlink to one of {@link #APP_RELEASES}' directories. */
    public static final String APP_CURRENT = APP_HOME + "current";
    /** The note in each unpacked release naming its JVM's options ({@link #appNotes}). */
    public static final String APP_JAVA_OPTIONS = ".oth-java-options";
    public static final String APP_RELEASES = APP_HOME + "releases/";
    public static final String APP_CONFIG = "/etc/oth-app/";
    /** Files only the application reads: a password for a local or an external service each. */
    public static final String APP_SECRETS = APP_CONFIG + "secrets/";
    /** The site CA as the application trusts it for the storage services. */
    public static final String APP_SITE_CA = APP_CONFIG + "site-ca.pem";
    public static final String SYSTEM_CAS = "/etc/ssl/certs/ca-certificates.crt";
    public static final String JAVA = "/usr/bin/java";

    public static final String BACKUP_SCRIPT = "/usr/local/sbin/oth-backup";
    public static final String BACKUP_CRON = "/etc/cron.d/oth-backup";
    public static final String MARIADB_TLS = "/etc/mysql/oth-tls/";
    /** MariaDB's encryption keys at rest (file_key_management): {@code ID;HEX} lines; the site's secrets keep what they derive from. */
    public static final String MARIADB_KEYFILE = "/etc/mysql/oth-encryption/keyfile";
    public static final String RABBITMQ_TLS = "/etc/rabbitmq/oth-tls/";
    /** Where Debian's init script keeps the RabbitMQ server's pid (the Erlang VM's). */
    public static final String RABBITMQ_PID = "/var/run/rabbitmq/pid";
    /** RabbitMQ's database: Debian's data directory, and the node name rabbitmq-env.conf gives it. */
    public static final String RABBITMQ_MNESIA = "/var/lib/rabbitmq/mnesia/rabbit@localhost";
    /** Where oth's own init scripts (where systemd is not PID 1) keep their service's pid. */
    public static final String TRAEFIK_PID = "/run/traefik.pid";
    public static final String MINIO_PID = "/run/minio.pid";
    public static final String APP_PID = "/run/oth-app.pid";

    public static final String MINIO_HOME = "/opt/minio/";
    public static final String MINIO_CERTS = "/etc/minio/certs/";
    public static final String MINIO_USER = "minio-user";
    public static final String MINIO_DATA = "/var/lib/minio";

    /** Where an offline install stages the .debs a node lacks, with their apt index; removed once they are installed. */
    public static final String OFFLINE_PACKAGES = "/var/lib/oth/offline-packages/";
    public static final String TRAEFIK_HOME = "/opt/traefik/";
    public static final String TRAEFIK_CONFIG = "/etc/traefik/";
    /** traefik's account where systemd runs it; its key is that account's alone. */
    public static final String TRAEFIK_USER = "traefik";
    /** traefik's certificate from the site CA, which haproxy checks, and the site CA it checks haproxy's client certificate against. */
    public static final String TRAEFIK_TLS = TRAEFIK_CONFIG + "oth-tls/";
    public static final String TRAEFIK_KEY = TRAEFIK_TLS + "server.key";
    public static final String TRAEFIK_CERTIFICATE = TRAEFIK_TLS + "server-chain.pem";
    public static final String TRAEFIK_CLIENT_CA = TRAEFIK_TLS + "ca.pem";
    /**
     * haproxy's client certificate from the site CA, which traefik requires, and the site CA it checks
     * traefik's certificates against. haproxy reads the key from the certificate's name plus ".key"
     * ({@code ssl-load-extra-files}, on by default).
     */
    public static final String HAPROXY_TLS = "/etc/haproxy/oth-tls/";
    public static final String HAPROXY_CLIENT_CERTIFICATE = HAPROXY_TLS + "client.pem";
    public static final String HAPROXY_CLIENT_KEY = HAPROXY_CLIENT_CERTIFICATE + ".key";
    public static final String HAPROXY_SITE_CA = HAPROXY_TLS + "ca.pem";

    /**
     * The services oth gives a certificate from the site CA. Lower case, sorted: the constants are
     * the names {@code oth certs rotate --service} takes and lists.
     */
    public enum CertifiedService { haproxy, mariadb, minio, rabbitmq, traefik }

    /**
     * Where the release, traefik and MinIO bundles are unpacked: the parents of their release
     * directories, where an unpack makes its temporary directory, which the run-start sweep clears.
     */
    public static final List<String> UNPACK_ROOTS = List.of(APP_RELEASES, TRAEFIK_HOME, MINIO_HOME).stream()
            .map(d -> d.substring(0, d.length() - 1)).toList();

    /** Where a service's certificate from the site CA is: on the nodes of {@code role}, in {@code path}. */
    public record CertificateFile(String role, String path) {
    }

    /**
     * The certificate of each service oth gives one to: the storage services' and traefik's serve
     * TLS, haproxy's authenticates it to traefik.
     */
    public static final Map<String, CertificateFile> SERVICE_CERTIFICATES = Map.of(
            CertifiedService.haproxy.name(), new CertificateFile(Role.LB, HAPROXY_CLIENT_CERTIFICATE),
            CertifiedService.mariadb.name(), new CertificateFile(Role.STORAGE, MARIADB_TLS + "server-chain.pem"),
            CertifiedService.rabbitmq.name(), new CertificateFile(Role.STORAGE, RABBITMQ_TLS + "server.pem"),
            CertifiedService.minio.name(), new CertificateFile(Role.STORAGE, MINIO_CERTS + "public.crt"),
            CertifiedService.traefik.name(), new CertificateFile(Role.APP, TRAEFIK_CERTIFICATE));

    /** A file that holds a secret on a node: install writes it so, doctor checks it is still so. */
    public record SecretFile(String path, String owner, String mode) {
    }

    /** The application's passwords for the storage services, one file each under {@link #APP_SECRETS}. */
    public static final String APP_DATABASE_PASSWORD = "database.password";
    public static final String APP_BROKER_PASSWORD = "broker.password";
    public static final String APP_OBJECTS_SECRET = "objects.secret";
    public static final List<String> APP_SECRET_NAMES = List.of(APP_DATABASE_PASSWORD, APP_BROKER_PASSWORD, APP_OBJECTS_SECRET);
    public static final String MINIO_ENVIRONMENT = "/etc/default/minio";
    /** RabbitMQ's Erlang cookie, generated per site: whoever has it may join the broker's cluster. */
    public static final String BROKER_COOKIE = "/var/lib/rabbitmq/.erlang.cookie";

    private NodeLayout() {
    }

    /** A secret the application alone reads. */
    public static SecretFile appSecret(String name) {
        return new SecretFile(APP_SECRETS + name, APP_USER + ":" + APP_USER, "0600");
    }

    /** haproxy's private key for its client certificate (haproxy reads it as root before it drops privileges). */
    public static SecretFile haproxyClientKey() {
        return new SecretFile(HAPROXY_CLIENT_KEY, "root:root", "0600");
    }

    /** traefik's private key for the certificate it serves to haproxy. */
    public static SecretFile traefikKey() {
        return new SecretFile(TRAEFIK_KEY, TRAEFIK_USER + ":" + TRAEFIK_USER, "0600");
    }

    /** The customer's certificate bundle with its private key, as haproxy serves it. */
    public static SecretFile haproxyCertificate(String fqdn) {
        return new SecretFile("/etc/haproxy/certs/" + fqdn + ".pem", "root:root", "0600");
    }

    /** The key MariaDB encrypts its tablespaces, logs and temporary files with. */
    public static SecretFile mariadbKeyfile() {
        return new SecretFile(MARIADB_KEYFILE, "mysql:mysql", "0400");
    }

    /** MinIO's environment file, which holds its root credentials. */
    public static SecretFile minioEnvironment() {
        return new SecretFile(MINIO_ENVIRONMENT, "root:root", "0600");
    }

    /** The backup script's key for the object store, as curl reads it ({@code curl -K}). */
    public static SecretFile backupStoreConfig() {
        return new SecretFile("/etc/oth/backup-s3.curl", "root:root", "0600");
    }

    /** The secret files install writes on {@code node}: what doctor's posture.secrets checks. */
    public static List<SecretFile> secretFiles(Site site, Node node) {
        return switch (node.role()) {
            case Role.LB -> List.of(haproxyCertificate(site.fqdn()), haproxyClientKey());
            case Role.APP -> java.util.stream.Stream.concat(APP_SECRET_NAMES.stream().map(NodeLayout::appSecret),
                    java.util.stream.Stream.of(traefikKey())).toList();
            case Role.STORAGE -> java.util.stream.Stream.of(
                    site.storage().database().isLocal() ? java.util.Optional.of(mariadbKeyfile()) : java.util.Optional.<SecretFile>empty(),
                    site.storage().database().isLocal() ? java.util.Optional.of(backupStoreConfig()) : java.util.Optional.<SecretFile>empty(),
                    site.storage().objects().isLocal() ? java.util.Optional.of(minioEnvironment()) : java.util.Optional.<SecretFile>empty())
                    .flatMap(java.util.Optional::stream).toList();
            default -> List.of();
        };
    }

    /** Where a release bundle is kept on an app node. */
    public static String appBundle(ReleaseBundle app) {
        return APP_HOME + "bundles/" + app.name() + "-" + app.version() + ".tar.gz";
    }

    /**
     * What oth notes in an unpacked release beside the bundle's files: the JVM's options its manifest
     * names, as systemd's {@code EnvironmentFile=} and the init script read them at each start. So
     * they switch with {@code current}, on an upgrade and a rollback alike.
     */
    public static List<UnpackOp.Note> appNotes(ReleaseBundle app) {
        return List.of(new UnpackOp.Note(APP_JAVA_OPTIONS, "JAVA_OPTIONS=\"" + String.join(" ", app.javaOptions()) + "\""));
    }

    /** The directory a release is unpacked into on an app node. */
    public static String appRelease(String version) {
        return APP_RELEASES + version;
    }

    /** Where a program bundle (traefik, MinIO) is kept under its home: {@code HOME/bundles/NAME-ID.tar.gz}. */
    public static String programBundle(String home, String name, ProgramBundle bundle) {
        return home + "bundles/" + name + "-" + bundle.id() + ".tar.gz";
    }
}
