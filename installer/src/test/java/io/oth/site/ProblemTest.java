package io.oth.site;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProblemTest {
    @Test
    void printsFileLineColumnFieldAndMessage() {
        Problem problem = new Problem(Path.of("site.yml"), 12, 14, "nodes[1].address",
                "\"10.77.0.300\" is not an IP address (expected an IPv4 or IPv6 literal)");

        assertEquals("site.yml:12:14: nodes[1].address: \"10.77.0.300\" is not an IP address (expected an IPv4 or IPv6 literal)",
                problem.toString());
    }

    @Test
    void leavesOutWhatItDoesNotKnow() {
        assertEquals("site.yml:7:4: not valid YAML: x", new Problem(Path.of("site.yml"), 7, 4, "", "not valid YAML: x").toString());
        assertEquals("site.yml: is empty", new Problem(Path.of("site.yml"), 0, 0, "", "is empty").toString());
    }
}
