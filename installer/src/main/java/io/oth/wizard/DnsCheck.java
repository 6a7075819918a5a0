package io.oth.wizard;

import io.oth.check.NameLookup;
import io.oth.site.Addresses;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Whether the site's name points at the load balancer's public address. DNS may come later: a warning, never a refusal. */
final class DnsCheck {
    private final NameLookup lookup;

    DnsCheck(NameLookup lookup) {
        this.lookup = lookup;
    }

    /** What the name resolves to, for a person: {@code oth.example.test resolves to 203.0.113.20}. */
    String describe(String fqdn) {
        List<String> found = lookup.resolve(fqdn).addresses();
        return found.isEmpty() ? fqdn + " does not resolve (yet)" : fqdn + " resolves to " + String.join(", ", found);
    }

    /** Empty when {@code fqdn} resolves to {@code publicAddress}; else the warning. */
    Optional<String> mismatch(String fqdn, String publicAddress) {
        List<String> found = lookup.resolve(fqdn).addresses();
        if (found.isEmpty()) {
            return Optional.of(fqdn + " does not resolve, so nobody reaches the site by its name (expected it to point at the load balancer's"
                    + " public address " + publicAddress + "; DNS may be set up later)");
        }
        Optional<InetAddress> expected = Addresses.ipLiteral(publicAddress);
        if (expected.isPresent() && found.stream().map(Addresses::ipLiteral).anyMatch(expected::equals)) {
            return Optional.empty();
        }
        return Optional.of(fqdn + " resolves to " + String.join(", ", found) + ", not to the load balancer's public address " + publicAddress
                + " (DNS may be set up later)");
    }
}
