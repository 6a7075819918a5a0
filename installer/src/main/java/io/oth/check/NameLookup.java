package io.oth.check;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a name the way one vantage point sees it: the operator's own resolver (as a browser on
 * that machine would), or one DNS server asked directly ({@code --resolver}). Says which server answered.
 */
public interface NameLookup {

    /** The addresses {@code name} resolves to (empty when it does not), and where they came from. */
    Answer resolve(String name);

    /** What a lookup found; {@code error} says why there is nothing when there is a reason beyond "no record". */
    record Answer(List<String> addresses, String server, Optional<String> error) {
    }

    /** The operator's system resolver (hosts file, then the nameservers of /etc/resolv.conf): IPv4 and IPv6 addresses. */
    static NameLookup system() {
        return name -> {
            String server = ResolverConfig.getCurrentConfig().servers().stream().findFirst()
                    .map(s -> s.getAddress().getHostAddress()).orElse("none configured");
            try {
                return new Answer(Arrays.stream(InetAddress.getAllByName(name)).map(InetAddress::getHostAddress).distinct().sorted().toList(),
                        "the system resolver, nameserver " + server, Optional.empty());
            } catch (UnknownHostException e) {
                return new Answer(List.of(), "the system resolver, nameserver " + server, Optional.empty());
            }
        };
    }

    /** Asks the DNS server at {@code server} directly for A records, over UDP (TCP when the answer is truncated). */
    static NameLookup at(InetSocketAddress server, Duration timeout) {
        return name -> {
            String label = "nameserver " + server.getAddress().getHostAddress() + (server.getPort() == 53 ? "" : ":" + server.getPort());
            try {
                SimpleResolver resolver = new SimpleResolver(server);
                resolver.setTimeout(timeout);
                Lookup lookup = new Lookup(name, Type.A);
                lookup.setResolver(resolver);
                lookup.setCache(null);
                lookup.setSearchPath(List.of());
                Record[] records = lookup.run();
                return switch (lookup.getResult()) {
                    case Lookup.SUCCESSFUL -> new Answer(Arrays.stream(records).map(r -> ((ARecord) r).getAddress().getHostAddress())
                            .distinct().sorted().toList(), label, Optional.empty());
                    case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> new Answer(List.of(), label, Optional.empty());
                    default -> new Answer(List.of(), label, Optional.of(lookup.getErrorString()));
                };
            } catch (TextParseException e) {
                return new Answer(List.of(), label, Optional.of("not a DNS name: " + e.getMessage()));
            }
        };
    }
}
