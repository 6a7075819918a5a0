package io.oth.site;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Syntax of IP literals and DNS names. Nothing here resolves a name: validating a site file must
 * not depend on, or wait for, the DNS of the machine it runs on.
 */
public final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private Addresses() {
    }

    /**
     * An IPv4 dotted quad (no leading zeros, which some tools read as octal) or an IPv6 literal
     * (no zone, no brackets). An IPv4-mapped IPv6 literal ({@code ::ffff:10.0.0.1}) is neither: the
     * JDK reads it as the IPv4 address, nftables and sshd as an IPv6 one, so it would mean one thing
     * to the checks and another on the node.
     */
    public static Optional<InetAddress> ipLiteral(String text) {
        return anyIpLiteral(text).filter(address -> !isIpv4Mapped(text, address));
    }

    /** The IPv4 address {@code text} maps, when it is an IPv4-mapped IPv6 literal. */
    public static Optional<InetAddress> ipv4Mapped(String text) {
        return anyIpLiteral(text).filter(address -> isIpv4Mapped(text, address));
    }

    /** {@code host} as the host part of a URL: an IPv6 literal in brackets, anything else as it is. */
    public static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * {@code host:port} as URLs, Go programs (MinIO's {@code --address}) and curl read it: an IPv6
     * literal in brackets. (haproxy's server lines and RabbitMQ's listeners split at the last colon
     * and take the bare form.)
     */
    public static String hostPort(String host, int port) {
        return urlHost(host) + ":" + port;
    }

    private static boolean isIpv4Mapped(String text, InetAddress address) {
        return text.contains(":") && address instanceof Inet4Address;
    }

    private static Optional<InetAddress> anyIpLiteral(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                byte[] bytes = new byte[4];
                String[] octets = text.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) octet;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (text.contains(":") && IPV6_CHARACTERS.matcher(text).matches()) {
                // In brackets the JDK parses an IPv6 literal or fails; it never falls back to DNS.
                return Optional.of(InetAddress.getByName("[" + text + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * A DNS name by RFC 1123 syntax with at least {@code minLabels} labels. The last label may not
     * be all digits, so that a mistyped address such as 10.77.0.300 is not taken for a name.
     */
    public static boolean isDnsName(String text, int minLabels) {
        if (text.length() > 253) {
            return false;
        }
        String[] labels = text.split("\\.", -1);
        if (labels.length < minLabels) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].matches("[0-9]+");
    }

    public static boolean isHostOrIp(String text) {
        return ipLiteral(text).isPresent() || isDnsName(text, 1);
    }
}
