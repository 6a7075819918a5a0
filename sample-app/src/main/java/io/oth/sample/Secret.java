package io.oth.sample;

import java.util.Objects;

/** A password or key read from a file: it prints as {@code ***} wherever it ends up (records, logs, errors). */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** The secret itself, for handing to a client library and nowhere else. */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the secret replaced, for messages that came from elsewhere. */
    String maskIn(String text) {
        return value.isEmpty() ? text : text.replace(value, "***");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "***";
    }
}
