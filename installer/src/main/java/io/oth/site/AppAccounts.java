package io.oth.site;

/**
 * The application's accounts on the local storage services: names oth gives them on the storage
 * node and the secrets (in the site's secrets file) that hold their passwords. Install creates
 * them; doctor logs in with them.
 */
public final class AppAccounts {
    public static final String DATABASE = "oth";
    public static final String DATABASE_USER = "oth";
    public static final String DATABASE_SECRET = "mariadb.oth";
    public static final String BROKER_VHOST = "oth";
    public static final String BROKER_USER = "oth-app";
    public static final String BROKER_SECRET = "rabbitmq.oth-app";
    /** RabbitMQ's administrator for operators, which install keeps beside the application's user. */
    public static final String BROKER_ADMIN = "oth-admin";
    public static final String BROKER_ADMIN_SECRET = "rabbitmq.oth-admin";
    public static final String OBJECTS_BUCKET = "oth";
    public static final String OBJECTS_KEY = "oth-app";
    public static final String OBJECTS_SECRET = objectsSecret(OBJECTS_KEY);
    /** The storage node's own key for copying backups to the bucket (under {@code backups/}), apart from the application's. */
    public static final String OBJECTS_BACKUP_KEY = "oth-backup";
    public static final String OBJECTS_BACKUP_SECRET = objectsSecret(OBJECTS_BACKUP_KEY);
    /** The site's backup key: an age identity, which never leaves the operator's side (the storage node has its recipient). */
    public static final String BACKUP_IDENTITY = "backup.age-identity";
    /** MinIO's root user, which install and doctor use to read and set the application's key and policy. */
    public static final String OBJECTS_ROOT = "oth-admin";
    public static final String OBJECTS_ROOT_SECRET = "minio.root";

    /** The secret that holds the secret key of MinIO user {@code key}. */
    public static String objectsSecret(String key) {
        return "minio." + key;
    }

    private AppAccounts() {
    }
}
