package io.oth.site;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressesTest {
    @ParameterizedTest
    @ValueSource(strings = {"10.77.0.2", "0.0.0.0", "255.255.255.255", "::1", "fd00:77::102", "2001:DB8::1"})
    void acceptsIpLiterals(String text) {
        assertTrue(Addresses.ipLiteral(text).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.77.0.300", "10.77.0", "10.77.0.2.1", "010.77.0.2", "10.77.0.2 ", "localhost", "app1.internal",
            "fd00::77::1", "fe80::1%eth0", "::ffff:10.0.0.1", "::FFFF:a00:1", "[::1]", "1:2:3:4:5:6:7:8:9", "gg::1", ""})
    void rejectsEverythingElseWithoutResolvingIt(String text) {
        assertEquals(Optional.empty(), Addresses.ipLiteral(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oth.example.test", "a.b", "x-1.example.com", "OTH.Example.Test"})
    void acceptsDnsNames(String text) {
        assertTrue(Addresses.isDnsName(text, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oth", "oth_lab.example.test", "-oth.example.test", "oth-.example.test", "oth..test", "oth.example.test.",
            "10.77.0.300", "1.2.3.4"})
    void rejectsWhatIsNotATwoLabelDnsName(String text) {
        assertFalse(Addresses.isDnsName(text, 2));
    }

    @Test
    void aHostIsANameOrAnAddress() {
        assertTrue(Addresses.isHostOrIp("jump"));
        assertTrue(Addresses.isHostOrIp("203.0.113.10"));
        assertFalse(Addresses.isHostOrIp("203.0.113.300"));
    }

    @Test
    void cidrsKnowTheirNetwork() {
        assertEquals("52.30.207.0/24", Cidr.parse("52.30.207.215/24").orElseThrow().network().toString());
        assertTrue(Cidr.parse("52.30.207.215/32").orElseThrow().isNetwork());
        assertTrue(Cidr.parse("0.0.0.0/0").orElseThrow().isNetwork());
        assertFalse(Cidr.parse("2001:db8::1/64").orElseThrow().isNetwork());
        assertTrue(Cidr.parse("2001:db8::/32").orElseThrow().isNetwork());
    }

    @ParameterizedTest
    @ValueSource(strings = {"52.30.207.215", "52.30.207.215/33", "52.30.207.215/-1", "52.30.207.215/08", "2001:db8::/129", "host/24", "/24"})
    void rejectsWhatIsNotACidr(String text) {
        assertEquals(Optional.empty(), Cidr.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"10.77.0.2, 9000, 10.77.0.2:9000", "fd00:77::20, 9000, [fd00:77::20]:9000", "[fd00:77::20], 80, [fd00:77::20]:80",
            "s3.example.test, 443, s3.example.test:443"})
    void hostPortBracketsIpv6LiteralsOnly(String host, int port, String expected) {
        assertEquals(expected, Addresses.hostPort(host, port));
        assertEquals(expected.substring(0, expected.lastIndexOf(':')), Addresses.urlHost(host));
    }

    @ParameterizedTest
    @CsvSource({"::ffff:10.0.0.1, 10.0.0.1", "::FFFF:a00:1, 10.0.0.1"})
    void ipv4MappedLiteralsAreKnownForWhatTheyMap(String text, String ipv4) {
        assertEquals(ipv4, Addresses.ipv4Mapped(text).orElseThrow().getHostAddress());
        assertEquals(Optional.empty(), Addresses.ipv4Mapped("10.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.1", "100.64.0.0", "100.127.255.255",
            "fc00::1", "fdff:ffff::1"})
    void privateAddressesAreRfc1918Rfc6598AndUniqueLocal(String text) {
        assertTrue(AddressRules.isPrivate(Addresses.ipLiteral(text).orElseThrow()));
        assertEquals(Optional.empty(), AddressRules.privateAddress(text, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.169.0.0", "100.63.255.255", "100.128.0.0",
            "203.0.113.20", "fe00::1", "2001:db8::1"})
    void everythingElseIsPublicAndNeedsAReason(String text) {
        assertFalse(AddressRules.isPrivate(Addresses.ipLiteral(text).orElseThrow()));
        assertTrue(AddressRules.privateAddress(text, false).orElseThrow().startsWith("\"" + text + "\" is a public address"));
        assertEquals(Optional.empty(), AddressRules.privateAddress(text, true));
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/16, true", "10.0.0.0/15, false", "2001:db8::/48, true", "2001:db8::/47, false", "198.51.100.7/32, true"})
    void supportNetworksAreNoBroaderThanASlash16OrASlash48WithoutAReason(String text, boolean accepted) {
        Cidr network = Cidr.parse(text).orElseThrow();
        assertEquals(accepted, AddressRules.supportNetwork(network, text, false).isEmpty());
        assertEquals(Optional.empty(), AddressRules.supportNetwork(network, text, true));
        assertTrue(AddressRules.supportNetwork(Cidr.parse("::/0").orElseThrow(), "::/0", true).isPresent(), "never /0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://alice77:pa55word@s3.example.test", "http://pa55word@s3.example.test:9000/bucket", "https://alice77:pa55word@[2001:db8::1]/"})
    void credentialsInAUrlAreRefusedWithoutRepeatingThem(String url) {
        String message = AddressRules.credentialsInUrl(url).orElseThrow();
        assertFalse(message.contains("pa55word") || message.contains("alice77"), message);
        assertTrue(message.contains("oth secrets set"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://s3.example.test", "https://s3.example.test/bucket@2024", "https://s3.example.test?x=a@b", "not a url"})
    void aUrlWithoutCredentialsIsLeftToItsSyntax(String url) {
        assertEquals(Optional.empty(), AddressRules.credentialsInUrl(url));
    }
}
