package io.oth.cli;

import java.io.Console;
import java.util.Optional;

/** Asks a person a question; absent when nobody is at a terminal. */
public interface Prompter {

    /** The answer, or empty when there is no person to ask. */
    Optional<String> ask(String question);

    /** The process's terminal, if it has one. */
    static Prompter system() {
        return question -> {
            Console console = System.console();
            if (console == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(console.readLine("%s", question));
        };
    }

    /** For runs without a person: every question goes unanswered. */
    Prompter NOBODY = question -> Optional.empty();
}
