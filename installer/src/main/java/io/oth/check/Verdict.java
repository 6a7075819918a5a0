package io.oth.check;

/** How a check came out. Ordered from best to worst. */
public enum Verdict {
    OK("✓"), SKIP("-"), WAIVED("~"), WARN("!"), FAIL("✗");

    private final String mark;

    Verdict(String mark) {
        this.mark = mark;
    }

    public String mark() {
        return mark;
    }
}
