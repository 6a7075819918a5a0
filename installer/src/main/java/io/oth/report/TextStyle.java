package io.oth.report;

import io.oth.check.Verdict;

import java.util.Arrays;

/**
 * How a report is drawn on the output it goes to: the verdicts as marks (✓ ✗) where the output is
 * UTF-8, as words (ok, FAIL) where it is not, so that a verdict never prints as {@code ?}; and in
 * colour, or not.
 */
public record TextStyle(boolean unicode, boolean colour) {
    /** UTF-8, no colour: a file, a pipe, a test. */
    public static final TextStyle PLAIN = new TextStyle(true, false);

    private static final String RESET = "\u001b[0m";

    /** The verdict's mark: ✓ - ~ ! ✗, or ok skip waived WARN FAIL. */
    public String mark(Verdict verdict) {
        if (unicode) {
            return verdict.mark();
        }
        return switch (verdict) {
            case OK -> "ok";
            case SKIP -> "skip";
            case WAIVED -> "waived";
            case WARN -> "WARN";
            case FAIL -> "FAIL";
        };
    }

    /** {@code text} in the verdict's colour: green ok, red failure, yellow warning, cyan waived, dim skipped. */
    public String paint(Verdict verdict, String text) {
        if (!colour) {
            return text;
        }
        String sgr = switch (verdict) {
            case OK -> "32";
            case SKIP -> "2";
            case WAIVED -> "36";
            case WARN -> "33";
            case FAIL -> "1;31";
        };
        return "\u001b[" + sgr + "m" + text + RESET;
    }

    /** A cell that holds one of {@link #mark}'s marks, in its verdict's colour. */
    public String paintMark(String mark) {
        return Arrays.stream(Verdict.values()).filter(v -> mark(v).equals(mark)).findFirst().map(v -> paint(v, mark)).orElse(mark);
    }

    /** What marks a cut cell. */
    public String ellipsis() {
        return unicode ? "…" : "...";
    }

    /** {@code text} as this output can show it: without UTF-8, the arrows and dashes oth writes become ASCII. */
    public String text(String text) {
        if (unicode) {
            return text;
        }
        return text.replace("→", "->").replace("—", "-").replace("–", "-").replace("…", "...").replace("✓", "ok").replace("✗", "FAIL");
    }
}
