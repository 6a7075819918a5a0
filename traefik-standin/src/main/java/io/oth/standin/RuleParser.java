package io.oth.standin;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses traefik v3 rule syntax: {@code Host(`a`) && (PathPrefix(`/x`) || PathPrefix(`/y`))}.
 * Values are in backquotes or double quotes. Refuses every matcher and operator it does not honour,
 * and multi-value matchers such as {@code Host(`a`, `b`)}, which traefik v3 refuses too.
 */
final class RuleParser {

    private final String text;
    private int pos;

    private RuleParser(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException with a message saying what is wrong and where */
    static Rule parse(String text) {
        RuleParser parser = new RuleParser(text);
        Rule rule = parser.or();
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected \"" + text.substring(parser.pos) + "\"");
        }
        return rule;
    }

    private Rule or() {
        Rule rule = and();
        while (accept("||")) {
            rule = new Rule.Or(rule, and());
        }
        return rule;
    }

    private Rule and() {
        Rule rule = operand();
        while (accept("&&")) {
            rule = new Rule.And(rule, operand());
        }
        return rule;
    }

    private Rule operand() {
        if (accept("(")) {
            Rule rule = or();
            expect(")");
            return rule;
        }
        if (accept("!")) {
            throw error("the ! operator is not honoured by the traefik stand-in");
        }
        String name = identifier();
        expect("(");
        List<String> values = new ArrayList<>();
        do {
            values.add(string());
        } while (accept(","));
        expect(")");
        return matcher(name, values);
    }

    private Rule matcher(String name, List<String> values) {
        if (!name.equals("Host") && !name.equals("PathPrefix")) {
            throw error("matcher " + name + " is not honoured by the traefik stand-in (it honours Host and PathPrefix)");
        }
        if (values.size() != 1) {
            throw error(name + ": unexpected number of parameters; got " + values.size()
                    + ", expected one of [1] (traefik v3 syntax: write " + name + "(`a`) || " + name + "(`b`))");
        }
        String value = values.get(0);
        if (name.equals("PathPrefix")) {
            if (!value.startsWith("/")) {
                throw error("path \"" + value + "\" does not start with a '/'");
            }
            return new Rule.PathPrefix(value);
        }
        if (!value.chars().allMatch(c -> c < 128) || value.contains("*") || value.isEmpty()) {
            throw error("Host: \"" + value + "\" is not a host name the stand-in honours (ASCII, no wildcards)");
        }
        return new Rule.Host(value);
    }

    private String identifier() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a matcher such as Host or PathPrefix");
        }
        return text.substring(start, pos);
    }

    private String string() {
        skipSpace();
        char quote = pos < text.length() ? text.charAt(pos) : 0;
        if (quote != '`' && quote != '"') {
            throw error("expected a value in backquotes");
        }
        StringBuilder value = new StringBuilder();
        for (pos++; pos < text.length() && text.charAt(pos) != quote; pos++) {
            if (quote == '"' && text.charAt(pos) == '\\' && pos + 1 < text.length()) {
                pos++;
            }
            value.append(text.charAt(pos));
        }
        if (pos == text.length()) {
            throw error("unterminated value");
        }
        pos++;
        return value.toString();
    }

    private boolean accept(String token) {
        skipSpace();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected \"" + token + "\"");
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " (at column " + (pos + 1) + " of \"" + text + "\")");
    }
}
