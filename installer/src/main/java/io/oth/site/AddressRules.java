package io.oth.site;

import io.oth.secret.ExternalSecret;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the addresses of a site must mean, beyond their syntax: a node is one machine, its private
 * address is private, a support network is a network of support's own, and a URL carries no
 * credentials. The site file's checks ({@link SiteLoader}) and oth setup's answers use these same
 * rules and words. Each rule returns the problem, starting with the value as written, or nothing.
 */
public final class AddressRules {
    /** RFC 1918, RFC 6598 (carrier-grade NAT, also used inside clouds) and IPv6 unique local addresses. */
    public static final List<String> PRIVATE = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7");
    private static final List<Cidr> PRIVATE_NETWORKS = PRIVATE.stream().map(AddressRules::network).toList();
    /** The broadest support network without a reason: a /16 holds 65,536 IPv4 addresses, a /48 is one site's IPv6 allocation. */
    public static final int IPV4_SUPPORT_PREFIX = 16;
    public static final int IPV6_SUPPORT_PREFIX = 48;

    private static final Cidr THIS_NETWORK = network("0.0.0.0/8");
    private static final Cidr RESERVED = network("240.0.0.0/4");
    private static final String ONE_MACHINE = "expected the unicast address of one machine";

    private AddressRules() {
    }

    /** A node's or the bastion's address: when it is an IP literal (not a host name), it must name one machine. */
    public static Optional<String> host(String text) {
        return Addresses.ipLiteral(text).flatMap(AddressRules::notOneMachine)
                .map(what -> Field.quote(text) + " is " + what + " (" + ONE_MACHINE + ")");
    }

    /** A node's private address, a valid IP literal: a machine's, and private unless {@code reasoned} (public_address_reason). */
    public static Optional<String> privateAddress(String text, boolean reasoned) {
        Optional<String> host = host(text);
        if (host.isPresent() || reasoned) {
            return host;
        }
        return Addresses.ipLiteral(text).filter(address -> !isPrivate(address)).map(address -> Field.quote(text)
                + " is a public address (expected a private address, in " + String.join(", ", PRIVATE)
                + "; or public_address_reason on the node saying why this node's private network is public)");
    }

    public static boolean isPrivate(InetAddress address) {
        return PRIVATE_NETWORKS.stream().anyMatch(network -> network.contains(address));
    }

    /** An IPv4-mapped IPv6 literal, anywhere an address or a network is written. */
    public static Optional<String> ipv4Mapped(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        return Addresses.ipv4Mapped(address).map(ipv4 -> {
            String meant = slash < 0 ? "the IPv4 address " + ipv4.getHostAddress()
                    : Cidr.parse(ipv4.getHostAddress() + "/" + (parsePrefix(text.substring(slash + 1)) - 96))
                            .map(network -> "the IPv4 network " + network).orElse("an IPv4 network");
            return Field.quote(text) + " is an IPv4-mapped IPv6 " + (slash < 0 ? "address" : "network") + " (expected " + meant + " written as such)";
        });
    }

    private static int parsePrefix(String text) {
        return text.matches("[0-9]{1,3}") ? Integer.parseInt(text) : -1;
    }

    /** A support network, a valid CIDR of a network: never every address; no broader than /16 or /48 unless {@code reasoned}. */
    public static Optional<String> supportNetwork(Cidr network, String text, boolean reasoned) {
        if (network.prefix() == 0) {
            return Optional.of(Field.quote(text) + " is every address (expected the networks support staff connect from)");
        }
        int broadest = network.address() instanceof Inet4Address ? IPV4_SUPPORT_PREFIX : IPV6_SUPPORT_PREFIX;
        if (network.prefix() < broadest && !reasoned) {
            return Optional.of(Field.quote(text) + " is broader than /" + broadest + " (expected a network of /" + broadest
                    + " or narrower, or {network: " + text + ", reason: ...} saying why support needs all of it)");
        }
        return Optional.empty();
    }

    /**
     * A URL with a user name or password in it ({@code https://user:secret@host}). The message never
     * repeats the URL: what is in it may be the secret.
     */
    public static Optional<String> credentialsInUrl(String text) {
        int scheme = text.indexOf("://");
        if (scheme < 0) {
            return Optional.empty();
        }
        String rest = text.substring(scheme + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int at = rest.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        if (!rest.substring(0, end).contains("@")) {
            return Optional.empty();
        }
        return Optional.of("has a user name or password in it (expected the URL without them: the secret key is kept in the"
                + " secrets file, set with: oth secrets set " + ExternalSecret.OBJECTS_SECRET_KEY.secretName() + ")");
    }

    private static Optional<String> notOneMachine(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (THIS_NETWORK.contains(address)) {
            return Optional.of("in 0.0.0.0/8, which names no machine");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address instanceof Inet4Address && RESERVED.contains(address)) {
            return Optional.of(address.getHostAddress().equals("255.255.255.255") ? "the broadcast address" : "a reserved address (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Cidr network(String text) {
        return Cidr.parse(text).orElseThrow();
    }
}
