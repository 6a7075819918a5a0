package io.oth.ca;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * Who a certificate is for: one service on one node ({@code mariadb} on {@code storage-1}), the
 * names and addresses clients use to reach it, and whether it serves TLS, authenticates as a
 * client (mTLS), or both. The certificate's common name is {@code SERVICE.NODE}.
 */
public record ServiceIdentity(String service, String node, List<String> dnsNames, List<String> ipAddresses, Usage usage) {
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public enum Usage {
        SERVER(true, false), CLIENT(false, true), SERVER_AND_CLIENT(true, true);

        private final boolean server;
        private final boolean client;

        Usage(boolean server, boolean client) {
            this.server = server;
            this.client = client;
        }

        /** The certificate carries extendedKeyUsage serverAuth. */
        public boolean server() {
            return server;
        }

        /** The certificate carries extendedKeyUsage clientAuth. */
        public boolean client() {
            return client;
        }
    }

    public ServiceIdentity {
        requireLabel("service", service);
        requireLabel("node", node);
        dnsNames = dnsNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
        ipAddresses = List.copyOf(ipAddresses);
        for (String name : dnsNames) {
            if (!DNS_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("\"" + name + "\" is not a DNS name (for " + service + " on " + node + ")");
            }
        }
        for (String address : ipAddresses) {
            if (!IPAddress.isValid(address)) {
                throw new IllegalArgumentException("\"" + address + "\" is not an IP address (for " + service + " on " + node + ")");
            }
        }
        if (usage.server() && dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a server certificate for " + service + " on " + node
                    + " needs at least one DNS name or IP address: clients check the name they connect to");
        }
    }

    /** {@code SERVICE.NODE}. */
    public String commonName() {
        return service + "." + node;
    }

    private static void requireLabel(String what, String value) {
        if (value == null || !LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException("\"" + value + "\" is not a " + what + " name (expected lowercase letters, digits and '-')");
        }
    }
}
