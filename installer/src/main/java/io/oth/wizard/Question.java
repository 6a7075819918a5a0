package io.oth.wizard;

import io.oth.secret.ExternalSecret;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One question of the setup, shared by the interactive wizard and the answers file: its key (also
 * its place in the answers file), the prompt, the help shown for {@code ?} and printed in the
 * answers template, what a missing answer is expected to be, the default, Tab completion, the check
 * and when it is asked at all. A list question checks each item; a secret question is read masked.
 */
public record Question(
        String key,
        String prompt,
        String help,
        String expected,
        Function<Draft, Optional<String>> fallback,
        Completion completion,
        Check check,
        Predicate<Draft> asked,
        Kind kind,
        Optional<ExternalSecret> secret) {

    /** What an answer must be; the message of a refusal names the value and what was expected. */
    @FunctionalInterface
    public interface Check {
        Verdict<Object> check(String text, Draft draft);
    }

    public enum Kind { SCALAR, LIST, SECRET }

    /** The word that answers a list question with no items. */
    public static final String NONE = "none";

    /** Reports a list item's problem; {@code index} counts from 0. */
    @FunctionalInterface
    public interface ItemProblem {
        void at(int index, String message);
    }

    /**
     * The items of a list answer, each checked; a refused item or a repeated one is reported at its
     * index. Empty when any item was refused.
     */
    public Optional<List<Object>> items(List<String> texts, Draft draft, ItemProblem problem) {
        List<Object> values = new ArrayList<>();
        Set<Object> seen = new HashSet<>();
        boolean ok = true;
        for (int i = 0; i < texts.size(); i++) {
            Verdict<Object> verdict = check.check(texts.get(i), draft);
            if (verdict instanceof Verdict.Refused<Object> refused) {
                problem.at(i, refused.message());
                ok = false;
            } else if (verdict instanceof Verdict.Accepted<Object> accepted) {
                if (!seen.add(accepted.value())) {
                    problem.at(i, Checks.quote(texts.get(i)) + " is given twice (expected each once)");
                    ok = false;
                }
                values.add(accepted.value());
            }
        }
        return ok ? Optional.of(values) : Optional.empty();
    }

    /** A list as typed: items separated by commas or spaces; {@value #NONE} is the empty list. */
    public static List<String> split(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.equals(NONE) || trimmed.equals("[]")) {
            return List.of();
        }
        return List.of(trimmed.replaceAll("^\\[|]$", "").trim().split("[,\\s]+"));
    }
}
