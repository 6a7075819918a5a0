package io.oth.standin;

import com.sun.net.httpserver.HttpExchange;
import java.io.PrintStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** Traefik's access log in its default "common" format, one line per request on stdout. */
final class AccessLog {

    /** What the access log reports about one request. */
    record Entry(int status, long bytes, String router, String server) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

    private final PrintStream out;
    private final AtomicLong requests = new AtomicLong();

    AccessLog(PrintStream out) {
        this.out = out;
    }

    void record(HttpExchange exchange, Entry entry, long startNanos) {
        out.printf("%s - - [%s] \"%s %s %s\" %d %d \"%s\" \"%s\" %d \"%s\" \"%s\" %dms%n",
                exchange.getRemoteAddress().getAddress().getHostAddress(), TIME.format(ZonedDateTime.now()),
                exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getProtocol(),
                entry.status(), entry.bytes(),
                header(exchange, "Referer"), header(exchange, "User-Agent"), requests.incrementAndGet(),
                entry.router(), entry.server(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String header(HttpExchange exchange, String name) {
        return Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst(name), "-");
    }
}
