package io.oth.wizard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Whether the site's name points at the load balancer's public address. DNS may come later: a warning, never a refusal. */
final class DnsCheck {
    private final NameResolver resolver;

    DnsCheck(NameResolver resolver) {
        this.resolver = resolver;
    }

    /** What the name resolves to, for a person: {@code oth.example.test resolves to 203.0.113.20}. */
    String describe(String fqdn) {
        try {
            return fqdn + " resolves to " + addresses(resolver.resolve(fqdn));
        } catch (UnknownHostException e) {
            return fqdn + " does not resolve (yet)";
        }
    }

    /** Empty when {@code fqdn} resolves to {@code publicAddress}; else the warning. */
    Optional<String> mismatch(String fqdn, String publicAddress) {
        List<InetAddress> found;
        try {
            found = resolver.resolve(fqdn);
        } catch (UnknownHostException e) {
            return Optional.of(fqdn + " does not resolve, so nobody reaches the site by its name (expected it to point at the load balancer's"
                    + " public address " + publicAddress + "; DNS may be set up later)");
        }
        Optional<InetAddress> expected = io.oth.site.Addresses.ipLiteral(publicAddress);
        if (expected.isPresent() && found.contains(expected.get())) {
            return Optional.empty();
        }
        return Optional.of(fqdn + " resolves to " + addresses(found) + ", not to the load balancer's public address " + publicAddress
                + " (DNS may be set up later)");
    }

    private static String addresses(List<InetAddress> found) {
        return found.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    }
}
