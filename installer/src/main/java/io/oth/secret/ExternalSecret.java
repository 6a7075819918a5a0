package io.oth.secret;

import io.oth.secret.Secret;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A credential for an external storage service that oth cannot generate: the operator is given it.
 * It lives in the site's secrets file under {@link #secretName}, or comes from {@link #variable};
 * an answers file may carry it under {@link #answersKey}.
 */
public enum ExternalSecret {
    DATABASE_PASSWORD("external.database.password", "OTH_DATABASE_PASSWORD", "storage.database.external.password",
            "the external database's password"),
    BROKER_PASSWORD("external.broker.password", "OTH_BROKER_PASSWORD", "storage.broker.external.password",
            "the external broker's password"),
    OBJECTS_SECRET_KEY("external.objects.secret_key", "OTH_OBJECTS_SECRET_KEY", "storage.objects.external.secret_key",
            "the external object store's secret key");

    private final String secretName;
    private final String variable;
    private final String answersKey;
    private final String description;

    ExternalSecret(String secretName, String variable, String answersKey, String description) {
        this.secretName = secretName;
        this.variable = variable;
        this.answersKey = answersKey;
        this.description = description;
    }

    public String secretName() {
        return secretName;
    }

    public String variable() {
        return variable;
    }

    public String answersKey() {
        return answersKey;
    }

    public String description() {
        return description;
    }

    public static Optional<ExternalSecret> named(String secretName) {
        for (ExternalSecret s : values()) {
            if (s.secretName.equals(secretName)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** From the secrets file, else from the environment variable; empty when neither has it. */
    public Optional<Secret> resolve(Secrets secrets, UnaryOperator<String> environment) {
        return secrets.get(secretName).or(() -> fromEnvironment(environment));
    }

    public Optional<Secret> fromEnvironment(UnaryOperator<String> environment) {
        return Optional.ofNullable(environment.apply(variable)).filter(v -> !v.isEmpty()).map(Secret::of);
    }

    /** What to tell the operator when it is missing. */
    public String missing() {
        return "no " + description + ": the secret " + secretName + " is not in the site's secrets file and " + variable
                + " is not set (run: oth secrets set " + secretName + ", or set " + variable + ")";
    }
}
