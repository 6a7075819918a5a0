package io.oth.sample;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns an exception from a client library into the short reason {@code /healthz} shows: one
 * line, no class names when a plain word says it, no stack trace. A network or TLS cause deep in
 * the chain wins over the wrapper a driver puts around it.
 */
final class FailureReason {
    private static final int MAX_LENGTH = 200;

    private FailureReason() {
    }

    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                String message = lower(cause.getMessage());
                return message.contains("refused") ? "connection refused" : message;
            }
            if (cause instanceof SocketTimeoutException) {
                return "timed out";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host " + cause.getMessage();
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof SSLException || cause instanceof CertificateException) {
                return shorten("TLS: " + message(root(cause)));
            }
        }
        return shorten(message(failure));
    }

    /** As {@link #describe(Throwable)}, with {@code secret} masked wherever a library echoed it. */
    static String describe(Throwable failure, Secret secret) {
        return secret.maskIn(describe(failure));
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The first message in the chain: wrappers such as an {@code IOException} around a channel error often have none. */
    private static String message(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return cause.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static String lower(String message) {
        return message == null ? "cannot connect" : message.toLowerCase(Locale.ROOT);
    }

    private static String shorten(String text) {
        // OkHttp's hostname failure ends its first line with "not verified:" and lists the certificate below.
        String line = text.strip().lines().findFirst().orElse("").strip();
        line = line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 3) + "...";
    }
}
