package io.oth.site;

import io.oth.secret.Secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The application's accounts on the local storage services: names oth gives them on the storage
 * node and the secrets (in the site's secrets file) that hold their passwords. Install creates
 * them; doctor logs in with them.
 *
 * <p>Each service has a pair of application accounts used in turn ({@link Pair}), so that
 * {@code oth secrets rotate} can move the application to a fresh password without a moment in
 * which no password works: the first of each pair is the account sites had before rotation existed.
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

    /**
     * The words for {@code service}'s accounts that could not be read ({@code why}, in the service's
     * words): install's plans and doctor's findings say the same.
     */
    public static String unread(String service, String why) {
        return "cannot read " + service + "'s accounts: " + why;
    }

    /** The secret that holds the secret key of MinIO user {@code key}. */
    public static String objectsSecret(String key) {
        return "minio." + key;
    }

    /** RabbitMQ's Erlang cookie: whoever has it may join the broker's cluster or run its CLI. */
    public static final String BROKER_COOKIE_SECRET = "rabbitmq.cookie";

    /** One of the application's accounts: its name on the service and the secret that holds its password. */
    public record Account(String user, String secret) {
    }

    /**
     * A service's two application accounts. Which one the application uses is kept in the site's
     * secrets ({@link Secrets#active}), never guessed from the nodes; without a record, the first.
     */
    public record Pair(String service, Account first, Account second) {
        /** The account the application uses now. */
        public Account active(Secrets secrets) {
            return secrets.active(service).filter(second.user()::equals).isPresent() ? second : first;
        }

        /**
         * The account a rotation moves the application to: the one a rotation that has not finished
         * was moving it to (so that a killed run resumes), else the idle one.
         */
        public Account next(Secrets secrets) {
            Account active = active(secrets);
            return secrets.rotating(service).flatMap(to -> to.equals(first.user()) ? Optional.of(first) : to.equals(second.user()) ? Optional.of(second)
                    : Optional.empty()).filter(to -> !to.equals(active)).orElse(other(active));
        }

        /** The other account of the pair. */
        public Account other(Account account) {
            return account.equals(first) ? second : first;
        }

        /**
         * The account that must not log in: the idle one, once no rotation is under way (a rotation
         * that has not finished keeps both open until every app node uses the new one).
         */
        public Optional<Account> retired(Secrets secrets) {
            return secrets.rotating(service).isPresent() ? Optional.empty() : Optional.of(other(active(secrets)));
        }
    }

    public static final Pair DATABASE_ACCOUNTS = new Pair("database", new Account(DATABASE_USER, DATABASE_SECRET), new Account("oth_b", "mariadb.oth_b"));
    public static final Pair BROKER_ACCOUNTS = new Pair("broker", new Account(BROKER_USER, BROKER_SECRET), new Account("oth-app-b", "rabbitmq.oth-app-b"));
    public static final Pair OBJECTS_ACCOUNTS = new Pair("objects", new Account(OBJECTS_KEY, OBJECTS_SECRET), new Account("oth-app-b", objectsSecret("oth-app-b")));

    /** A credential whose age doctor reports, and the command that replaces it. */
    public record Credential(String secret, String what, String remedy) {
    }


    /** The generated credentials of {@code site}'s local services that are in use now, as {@code secrets} has them. */
    public static List<Credential> inUse(Site site, Secrets secrets) {
        List<Credential> in = new ArrayList<>();
        if (site.storage().database().isLocal()) {
            in.add(new Credential(DATABASE_ACCOUNTS.active(secrets).secret(), "the application's MariaDB password", "oth secrets rotate --service database"));
        }
        if (site.storage().broker().isLocal()) {
            in.add(new Credential(BROKER_ACCOUNTS.active(secrets).secret(), "the application's RabbitMQ password", "oth secrets rotate --service broker"));
            in.add(new Credential(BROKER_ADMIN_SECRET, "oth's RabbitMQ administrator password",
                    "oth secrets rotate --service broker --service-secrets (RabbitMQ restarts)"));
            in.add(new Credential(BROKER_COOKIE_SECRET, "RabbitMQ's Erlang cookie", "oth secrets rotate --service broker --service-secrets (RabbitMQ restarts)"));
        }
        if (site.storage().objects().isLocal()) {
            in.add(new Credential(OBJECTS_ACCOUNTS.active(secrets).secret(), "the application's MinIO secret key", "oth secrets rotate --service objects"));
            in.add(new Credential(OBJECTS_ROOT_SECRET, "MinIO's root password", "oth secrets rotate --service objects --service-secrets (MinIO restarts)"));
            if (site.storage().database().isLocal()) {
                in.add(new Credential(OBJECTS_BACKUP_SECRET, "the backup script's MinIO secret key", "no rotation yet (see docs/credentials.md)"));
            }
        }
        return in.stream().filter(c -> secrets.get(c.secret()).isPresent()).toList();
    }

    private AppAccounts() {
    }
}
