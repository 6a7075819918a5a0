package io.oth.check;

/**
 * One check's result: a stable id ({@code outbound.android_push}), where it was seen from
 * ({@code app1}, {@code operator}), what it looked at, the verdict, why, and what to do.
 */
public record Finding(String id, String vantage, String target, Verdict verdict, String cause, String hint) {

    public static Finding ok(String id, String vantage, String target, String detail) {
        return new Finding(id, vantage, target, Verdict.OK, detail, "");
    }
}
