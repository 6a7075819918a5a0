package io.oth.site;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a scalar value must look like. {@code noun} and {@code expected} make the message when it
 * does not: {@code "10.77.0.300" is not an IP address (expected an IPv4 or IPv6 literal)}.
 */
public record Syntax<T>(String noun, Function<String, Optional<T>> parser, String expected) {

    public static Syntax<String> of(String noun, Predicate<String> valid, String expected) {
        return new Syntax<>(noun, text -> Optional.of(text).filter(valid), expected);
    }

    public static Syntax<String> pattern(String noun, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return of(noun, text -> pattern.matcher(text).matches(), regex);
    }

    public static Syntax<String> oneOf(String noun, Collection<String> choices) {
        return of(noun, choices::contains, "one of " + String.join(", ", choices));
    }

    public static Syntax<Integer> integer(String noun, int min, int max) {
        return new Syntax<>(noun, text -> parseInt(text).filter(n -> n >= min && n <= max),
                "an integer from " + min + " to " + max);
    }

    public static Syntax<Boolean> bool() {
        return new Syntax<>("a boolean", text -> switch (text) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        }, "true or false");
    }

    public Optional<T> parse(String text) {
        return parser.apply(text);
    }

    private static Optional<Integer> parseInt(String text) {
        // Digits only: no sign, no 0x or 1_000 forms, nothing that reads differently than it looks.
        if (!text.matches("[0-9]{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(text));
    }
}
