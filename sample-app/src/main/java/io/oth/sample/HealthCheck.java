package io.oth.sample;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One named check reported by {@code /healthz}. Checks of the database, broker and object store
 * are added as further instances; any failing check turns the whole answer into 503.
 */
public record HealthCheck(String name, Supplier<Result> probe) {

    /** The process is up and answering requests. */
    public static HealthCheck self() {
        return new HealthCheck("self", Result::pass);
    }

    Result run() {
        try {
            return probe.get();
        } catch (RuntimeException e) {
            return Result.fail(e.toString());
        }
    }

    public record Result(boolean ok, String reason) {
        public static Result pass() {
            return new Result(true, null);
        }

        public static Result fail(String reason) {
            return new Result(false, Objects.requireNonNullElse(reason, ""));
        }
    }
}
