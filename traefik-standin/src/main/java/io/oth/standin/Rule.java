package io.oth.standin;

/** A router rule in traefik v3 syntax: Host and PathPrefix matchers joined by && and ||. */
sealed interface Rule {

    /**
     * @param host the request's Host header without its port, as traefik compares it
     * @param path the request path as sent (traefik also matches on the undecoded path)
     */
    boolean matches(String host, String path);

    /** Case-insensitive; a single trailing dot on either side is ignored, as in traefik. */
    record Host(String name) implements Rule {
        @Override
        public boolean matches(String host, String path) {
            return !host.isEmpty() && withoutTrailingDot(host).equalsIgnoreCase(withoutTrailingDot(name));
        }

        private static String withoutTrailingDot(String host) {
            return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        }
    }

    record PathPrefix(String prefix) implements Rule {
        @Override
        public boolean matches(String host, String path) {
            return path.startsWith(prefix);
        }
    }

    record And(Rule left, Rule right) implements Rule {
        @Override
        public boolean matches(String host, String path) {
            return left.matches(host, path) && right.matches(host, path);
        }
    }

    record Or(Rule left, Rule right) implements Rule {
        @Override
        public boolean matches(String host, String path) {
            return left.matches(host, path) || right.matches(host, path);
        }
    }
}
