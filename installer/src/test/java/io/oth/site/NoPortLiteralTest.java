package io.oth.site;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The network table (playbooks/roles.yml) is the one place a port appears: no number of main code
 * is a port the table names, except where it is no site port at all. Each exception says why.
 */
class NoPortLiteralTest {
    private static final Path MAIN = Path.of("src/main/java/io/oth");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])([1-9]\\d{1,4})(?![\\w.])");

    /** file (below io/oth) and number, with the reason it is not a port of the site. */
    private static final Map<String, String> EXCEPTIONS = Map.of(
            "install/phase/ExternalEndpoints.java:443", "an https URL's default port (RFC 9110), for an endpoint URL that names none",
            "install/phase/ExternalEndpoints.java:80", "an http URL's default port (RFC 9110), for an endpoint URL that names none",
            "site/SiteLoader.java:22", "SSH's own default port (RFC 4253) for a node or bastion that names none: SiteLoader.SSH_PORT",
            "install/phase/Broker.java:4369", "epmd's port, which oth proves is bound to loopback only: a port no node may open",
            "wizard/Dialog.java:80", "a terminal's width in columns",
            "remote/NodeText.java:80", "how many characters of a node's text a message shows");

    @Test
    void noPortOfTheNetworkTableIsWrittenInMainCode() throws IOException {
        Set<Integer> ports = Playbooks.load().roles().values().stream().flatMap(r -> r.inbound().stream()).map(Role.Inbound::port)
                .collect(Collectors.toSet());
        assertFalse(ports.isEmpty());
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name = MAIN.relativize(file).toString();
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String code = code(lines.get(i));
                    Matcher m = NUMBER.matcher(code);
                    while (m.find()) {
                        int n = Integer.parseInt(m.group(1));
                        if (ports.contains(n) && !EXCEPTIONS.containsKey(name + ":" + n)) {
                            found.add(name + ":" + (i + 1) + ": " + n + " in: " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "a port of playbooks/roles.yml written in main code; take it from the table (ServicePorts, Role.port)");
    }

    @Test
    void everyExceptionIsStillNeeded() throws IOException {
        for (String exception : EXCEPTIONS.keySet()) {
            String[] parts = exception.split(":");
            boolean used = Files.readAllLines(MAIN.resolve(parts[0])).stream().map(NoPortLiteralTest::code)
                    .anyMatch(line -> NUMBER.matcher(line).results().anyMatch(r -> r.group(1).equals(parts[1])));
            assertFalse(!used, exception + " no longer appears: remove the exception");
        }
    }

    /** The line without a comment: javadoc and // comments may name ports when they explain. */
    private static String code(String line) {
        String s = line.strip();
        if (s.startsWith("*") || s.startsWith("/*") || s.startsWith("//")) {
            return "";
        }
        int comment = s.indexOf("// ");
        return comment >= 0 ? s.substring(0, comment) : s;
    }
}
