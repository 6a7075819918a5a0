package io.oth.sshconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One host of a ProxyJump list, as written: {@code [user@]host[:port]}, or {@code ssh://[user@]host[:port]}. */
public record Jump(Optional<String> user, String host, Optional<Integer> port) {
    /** More jump hosts than this on the way to one host is a loop or a mistake, not a network. */
    public static final int MAX_HOPS = 8;

    /**
     * The hosts of a ProxyJump value, in the order they are passed through; an empty list for
     * {@code none}. Throws {@link IllegalArgumentException} saying what is wrong with it.
     */
    public static List<Jump> parseList(String value) {
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Jump> jumps = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            jumps.add(parse(part.strip()));
        }
        if (jumps.size() > MAX_HOPS) {
            throw new IllegalArgumentException(jumps.size() + " jump hosts (expected at most " + MAX_HOPS + ")");
        }
        return List.copyOf(jumps);
    }

    static Jump parse(String text) {
        String rest = text.regionMatches(true, 0, "ssh://", 0, 6) ? text.substring(6) : text;
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        Optional<String> user = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = Optional.of(rest.substring(0, at));
            rest = rest.substring(at + 1);
        }
        String host = rest;
        Optional<String> port = Optional.empty();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(quote(text) + " opens [ without closing it (expected [IPv6]:PORT)");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException(quote(text) + " has " + quote(after) + " after ] (expected :PORT)");
                }
                port = Optional.of(after.substring(1));
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            host = rest.substring(0, rest.indexOf(':'));
            port = Optional.of(rest.substring(rest.indexOf(':') + 1));
        }
        if (host.isEmpty() || user.filter(String::isEmpty).isPresent() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new IllegalArgumentException(quote(text) + " is not a jump host (expected [user@]host[:port])");
        }
        return new Jump(user, host, port.map(p -> SshConfig.port(p).orElseThrow(
                () -> new IllegalArgumentException(quote(text) + " has port " + quote(p) + " (expected an integer from 1 to 65535)"))));
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }

    @Override
    public String toString() {
        return user.map(u -> u + "@").orElse("") + (host.contains(":") && port.isPresent() ? "[" + host + "]" : host)
                + port.map(p -> ":" + p).orElse("");
    }
}
