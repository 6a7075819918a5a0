package io.oth.check;

import io.oth.op.Probe;
import io.oth.site.Addresses;

/**
 * A TCP connection attempt made from a node, told apart by how it ends: connected, refused,
 * timed out (filtered), no route, or a name that does not resolve.
 */
public record Connect(String host, int port) {

    /** How a connection attempt ended. */
    public enum Outcome {
        CONNECTED("connected"), REFUSED("connection refused"), TIMEOUT("no answer (filtered or down)"),
        NO_ROUTE("no route to host"), DNS("the name does not resolve"), OTHER("failed");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A probe that connects with bash's /dev/tcp within {@code seconds}. */
    public Probe probe(String key, int seconds) {
        return Probe.connect(key, host, port, seconds);
    }

    public static Outcome outcome(Probe.Answer answer) {
        if (answer.ok()) {
            return Outcome.CONNECTED;
        }
        String text = answer.output();
        if (answer.exitCode() == 124) {
            return Outcome.TIMEOUT;
        }
        if (text.contains("Connection refused")) {
            return Outcome.REFUSED;
        }
        if (text.contains("No route to host") || text.contains("Network is unreachable")) {
            return Outcome.NO_ROUTE;
        }
        if (text.contains("Name or service not known") || text.contains("Temporary failure in name resolution")
                || text.contains("No address associated")) {
            return Outcome.DNS;
        }
        return Outcome.OTHER;
    }

    /** How a connection attempt made from here (the operator's side) ended. */
    public static Outcome outcome(java.io.IOException e) {
        if (e instanceof java.net.ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
            return Outcome.REFUSED;
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return Outcome.TIMEOUT;
        }
        if (e instanceof java.net.NoRouteToHostException) {
            return Outcome.NO_ROUTE;
        }
        if (e instanceof java.net.UnknownHostException) {
            return Outcome.DNS;
        }
        return Outcome.OTHER;
    }

    /** The finding for a connection {@code from} made to {@code target}: what failed and where to look. */
    static Finding finding(String id, io.oth.site.Node from, String target, Outcome outcome, Verdict whenFailed) {
        if (outcome == Outcome.CONNECTED) {
            return Finding.ok(id, from.name(), target, "connected");
        }
        String hint = switch (outcome) {
            case REFUSED -> "nothing listens on " + target + ": is the service running there?";
            case TIMEOUT -> "a firewall drops " + target + " from " + from.name() + " (" + from.address()
                    + "): check the nftables rule on the target for " + from.address();
            case NO_ROUTE -> "no route from " + from.name() + " to " + target + ": check routing and the target's firewall";
            case DNS -> "the name does not resolve from " + from.name() + ": check /etc/resolv.conf and the DNS server";
            default -> "check the network between " + from.name() + " and " + target;
        };
        return new Finding(id, from.name(), target, whenFailed, outcome.text(), hint);
    }

    @Override
    public String toString() {
        return Addresses.hostPort(host, port);
    }
}
