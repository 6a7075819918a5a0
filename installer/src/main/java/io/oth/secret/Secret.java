package io.oth.secret;

import java.util.Objects;

/** A value that must never be printed: it shows as {@code ***} in every log, plan and exception. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The real value, for the one place that hands it to the remote side. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
