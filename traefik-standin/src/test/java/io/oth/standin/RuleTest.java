package io.oth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleTest {

    @ParameterizedTest(name = "{0} on {1}{2} -> {3}")
    @CsvSource(delimiter = ';', value = {
        "Host(`a.example`)                                        ; a.example  ; /    ; true",
        "Host(`a.example`)                                        ; A.EXAMPLE. ; /    ; true",
        "Host(\"a.example\")                                      ; a.example  ; /    ; true",
        "Host(`a.example`)                                        ; b.example  ; /    ; false",
        "Host(`a.example`)                                        ; ''         ; /    ; false",
        "Host(`a.example`) && PathPrefix(`/api`)                  ; a.example  ; /api ; true",
        "Host(`a.example`) && PathPrefix(`/api`)                  ; a.example  ; /    ; false",
        "Host(`a.example`) || Host(`b.example`)                   ; b.example  ; /    ; true",
        "PathPrefix(`/x`) || Host(`a.example`) && PathPrefix(`/y`) ; a.example ; /z   ; false",
        "(PathPrefix(`/x`) || Host(`a.example`)) && PathPrefix(`/y`) ; a.example ; /y ; true",
    })
    void matches(String rule, String host, String path, boolean expected) {
        assertEquals(expected, RuleParser.parse(rule).matches(host, path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "Host(`a`, `b`)                ; Host: unexpected number of parameters; got 2, expected one of [1]",
        "PathPrefix(`api`)             ; path \"api\" does not start with a '/'",
        "!Host(`a`)                    ; the ! operator is not honoured by the traefik stand-in",
        "HostRegexp(`.*`)              ; matcher HostRegexp is not honoured by the traefik stand-in",
        "Host(`*.example`)             ; Host: \"*.example\" is not a host name the stand-in honours",
        "Host(`a`) &&                  ; expected a matcher such as Host or PathPrefix",
        "Host(`a`                      ; expected \")\"",
        "Host(`a`) Host(`b`)           ; unexpected \"Host(`b`)\"",
    })
    void refuses(String rule, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleParser.parse(rule));
        assertEquals(message, e.getMessage().substring(0, message.length()), e.getMessage());
    }
}
