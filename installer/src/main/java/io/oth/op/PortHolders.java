package io.oth.op;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.RemoteException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds a port a service could not bind: a start that failed with "Address already in use"
 * (haproxy, traefik, RabbitMQ's eaddrinuse) names the port in its own words, and the node's socket
 * table names the program that listens there (another web server, a forgotten socat). What the
 * node reports is a node's word: program names are taken only in a plain shape, and bounded.
 */
final class PortHolders {
    private static final Pattern IN_USE = Pattern.compile("(?i)address already in use|eaddrinuse");
    /** A port as a bind failure writes it: after a colon, not followed by more digits or a dot; or after an Erlang address tuple. */
    private static final Pattern PORT = Pattern.compile(":(\\d{1,5})(?![\\d.])|},(\\d{1,5})}");
    /** One process of ss's users column: ("name",pid=N,fd=N). */
    private static final Pattern USER = Pattern.compile("\\(\"([A-Za-z0-9._:-]{1,32})\",pid=(\\d{1,9}),");
    private static final int MAX_LINES = 512;
    private static final int MAX_NAMED = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private PortHolders() {
    }

    /** {@code failed}, with who listens on the ports it names when it says one was in use; else {@code failed} as it is. */
    static RemoteException named(ApplyContext context, RemoteException failed) {
        if (!IN_USE.matcher(failed.detail()).find()) {
            return failed;
        }
        Set<Integer> ports = ports(failed.detail());
        try {
            CommandResult ss = context.host().run(Command.of("ss", "-ltnpH"), TIMEOUT);
            List<String> holders = ss.ok() ? holders(ss.stdout(), ports) : List.of();
            return holders.isEmpty() ? failed : new RemoteException(failed.host(), failed.failure(), failed.detail() + "; " + String.join("; ", holders));
        } catch (RemoteException e) {
            return failed;
        }
    }

    /** The ports a failure's words name: {@code [0.0.0.0:443]} (haproxy), {@code tcp :80: bind} (traefik), {@code {{0,0,0,0},5671}} (RabbitMQ). */
    static Set<Integer> ports(String said) {
        Set<Integer> ports = new LinkedHashSet<>();
        Matcher m = PORT.matcher(said);
        while (m.find()) {
            int port = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
            if (port > 0 && port <= 65535) {
                ports.add(port);
            }
        }
        return ports;
    }

    /** "port 443 is taken by socat (pid 227)", for each of {@code ports} that {@code ss -ltnpH} shows a program listening on. */
    static List<String> holders(String ss, Set<Integer> ports) {
        List<String> said = new ArrayList<>();
        for (String line : ss.lines().limit(MAX_LINES).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 6 || said.size() >= MAX_NAMED) {
                continue;
            }
            String local = f[3];
            String port = local.substring(local.lastIndexOf(':') + 1);
            if (!port.matches("\\d{1,5}") || !ports.contains(Integer.parseInt(port))) {
                continue;
            }
            Matcher user = USER.matcher(line);
            String what = user.find() ? user.group(1) + " (pid " + user.group(2) + ")" : "a program ss does not name";
            String sentence = "port " + port + " is taken by " + what;
            if (!said.contains(sentence)) {
                said.add(sentence);
            }
        }
        return said;
    }
}
