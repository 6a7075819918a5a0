package io.oth.wizard;

/**
 * What a check says about an answer: taken, refused with the reason (the question is asked
 * again), or taken with a warning that a person may accept (DNS that is not set up yet).
 */
public sealed interface Verdict<T> {

    record Accepted<T>(T value) implements Verdict<T> {
    }

    record Refused<T>(String message) implements Verdict<T> {
    }

    record Doubtful<T>(T value, String warning) implements Verdict<T> {
    }

    static <T> Verdict<T> ok(T value) {
        return new Accepted<>(value);
    }

    static <T> Verdict<T> refused(String message) {
        return new Refused<>(message);
    }

    static <T> Verdict<T> doubtful(T value, String warning) {
        return new Doubtful<>(value, warning);
    }
}
