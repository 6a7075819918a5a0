package io.oth.site;

import java.util.List;
import java.util.stream.Collectors;

/** The site file cannot be used; {@link #problems()} lists everything wrong with it, in file order. */
public final class SiteException extends Exception {
    private final List<Problem> problems;

    public SiteException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
