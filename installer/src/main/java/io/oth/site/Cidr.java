package io.oth.site;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** A network in CIDR notation, such as 52.30.207.215/32 or 2001:db8::/32. */
public record Cidr(InetAddress address, int prefix) {
    static final Syntax<Cidr> SYNTAX = new Syntax<>("a CIDR", Cidr::parse, "an IPv4 address/0-32 or an IPv6 address/0-128");

    /** A CIDR in {@code field} that names a network, as written; a set host bit is reported. */
    static Optional<String> readNetwork(Field field) {
        Optional<Cidr> cidr = field.read(SYNTAX);
        cidr.filter(c -> !c.isNetwork()).ifPresent(c ->
                field.problem(field.quoted() + " has host bits set (expected the network address " + c.network() + ")"));
        return cidr.filter(Cidr::isNetwork).map(c -> field.text());
    }

    public static Optional<Cidr> parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !text.substring(slash + 1).matches("0|[1-9][0-9]{0,2}")) {
            return Optional.empty();
        }
        int prefix = Integer.parseInt(text.substring(slash + 1));
        return Addresses.ipLiteral(text.substring(0, slash))
                .filter(address -> prefix <= address.getAddress().length * 8)
                .map(address -> new Cidr(address, prefix));
    }

    /** The network address: this address with the host bits cleared. */
    public Cidr network() {
        byte[] bytes = address.getAddress();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new Cidr(InetAddress.getByAddress(bytes), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    /** Whether {@code other} is in this network (an IPv4 address is never in an IPv6 network, nor the other way round). */
    public boolean contains(InetAddress other) {
        byte[] network = address.getAddress();
        byte[] bytes = other.getAddress();
        if (network.length != bytes.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((network[bit / 8] & mask) != (bytes[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** False when host bits are set (10.0.0.1/24): a firewall would silently widen or reject it. */
    public boolean isNetwork() {
        return network().equals(this);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
