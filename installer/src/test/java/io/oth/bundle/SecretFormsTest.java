package io.oth.bundle;

import io.oth.bundle.SecretForms.Form;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The forms of a value, one case a line. The expected texts were computed apart from Java (Python's
 * base64, urllib and json), but for {@code ~}, which Java's URLEncoder encodes and Python's does not.
 */
class SecretFormsTest {
    private static final String KEY = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF

            MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQgZ3
            q7BFUpkGp3+XQgZ3
            AB==
            -----END ENCRYPTED PRIVATE KEY-----
            """;

    record Case(String name, String value, List<Form> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Form form(String name, String text) {
        return new Form(name, text);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("letters and digits: URL and JSON forms are the plain one", "x9Fh3kLmQ2", List.of(
                        form("plain", "x9Fh3kLmQ2"),
                        form("base64", "eDlGaDNrTG1RMg=="),
                        form("base64 without padding", "eDlGaDNrTG1RMg"),
                        form("hex", "78394668336b4c6d5132"),
                        form("upper-case hex", "78394668336B4C6D5132"))),
                new Case("every encoding differs", "pa ss\"w/rd?>~é\t", List.of(
                        form("plain", "pa ss\"w/rd?>~é\t"),
                        form("JSON-escaped", "pa ss\\\"w/rd?>~é\\t"),
                        form("base64", "cGEgc3Midy9yZD8+fsOpCQ=="),
                        form("base64 without padding", "cGEgc3Midy9yZD8+fsOpCQ"),
                        form("base64url", "cGEgc3Midy9yZD8-fsOpCQ"),
                        form("hex", "706120737322772f72643f3e7ec3a909"),
                        form("upper-case hex", "706120737322772F72643F3E7EC3A909"),
                        form("URL-encoded", "pa+ss%22w%2Frd%3F%3E%7E%C3%A9%09"),
                        form("URL-encoded with %20", "pa%20ss%22w%2Frd%3F%3E%7E%C3%A9%09"))),
                new Case("forms under 8 characters are left out", "a?b~c!", List.of(
                        form("base64", "YT9ifmMh"),
                        form("hex", "613f627e6321"),
                        form("upper-case hex", "613F627E6321"),
                        form("URL-encoded", "a%3Fb%7Ec%21"))),
                new Case("too short for any form", "abc", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formsOfAValue(Case c) {
        assertEquals(c.expected(), SecretForms.of(c.value()));
    }

    @Test
    void aPrivateKeyLeaksThroughEachLongLineAndItsDer() {
        List<Form> forms = SecretForms.of(KEY);
        List<Form> pem = forms.stream().filter(f -> f.name().startsWith("line ") || f.name().startsWith("DER")).toList();
        assertEquals(List.of(
                form("line 5", "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQgZ3"),
                form("line 6", "q7BFUpkGp3+XQgZ3"),
                form("DER as base64", "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+XQgZ3q7BFUpkGp3+XQgZ3AB==")), pem);
        assertEquals("plain", forms.get(0).name());
        assertEquals("JSON-escaped", forms.get(1).name());
        assertEquals(KEY.replace("\n", "\\n"), forms.get(1).text());
    }

    @Test
    void aFormPrintsItsNameOnly() {
        for (Form form : SecretForms.of("pa ss\"w/rd?>~é\t")) {
            assertEquals(form.name(), form.toString());
            assertFalse(form.toString().contains(form.text()));
        }
    }
}
