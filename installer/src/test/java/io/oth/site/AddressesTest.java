package io.oth.site;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
}
