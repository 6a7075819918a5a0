package io.oth.runlog;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * oth's SLF4J binding: what sshj, the MariaDB and AMQP clients and dnsjava log at WARN or above
 * goes into the run's log ({@link RunLog#current()}), never to the screen; below WARN, and outside
 * a run, it is dropped. A few classes instead of a logging framework. OkHttp (under the MinIO
 * client) logs through java.util.logging instead: {@link #routeJavaLogging()} sends that to the
 * run's log too.
 */
public final class LibraryLogging implements SLF4JServiceProvider {
    private static final AtomicBoolean JAVA_LOGGING_ROUTED = new AtomicBoolean();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = new Loggers();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: every logger looks up the run's log when it writes
    }

    /**
     * From now on, java.util.logging's warnings go to the run's log rather than to stderr (where the
     * JDK's console handler would print them between oth's own lines).
     */
    static void routeJavaLogging() {
        if (!JAVA_LOGGING_ROUTED.compareAndSet(false, true)) {
            return;
        }
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            if (h instanceof ConsoleHandler) {
                root.removeHandler(h);
            }
        }
        Handler toRunLog = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    String text = record.getMessage();
                    try {
                        text = new SimpleFormatter().formatMessage(record);
                    } catch (RuntimeException ignored) {
                        // the raw message, then
                    }
                    String message = text;
                    RunLog.current().ifPresent(log -> log.warn(record.getLevel() + " " + record.getLoggerName(), message, record.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        toRunLog.setLevel(java.util.logging.Level.WARNING);
        root.addHandler(toRunLog);
    }

    private static final class Loggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, ToRunLog::new);
        }
    }

    /** One library logger: WARN and ERROR into the run's log. */
    static final class ToRunLog extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        ToRunLog(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return RunLog.current().isPresent();
        }

        @Override
        public boolean isErrorEnabled() {
            return RunLog.current().isPresent();
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
            if (level.toInt() < Level.WARN.toInt()) {
                return;
            }
            String text = MessageFormatter.basicArrayFormat(pattern, arguments);
            if (endOfForwardedConnection(name, text, thrown)) {
                return;
            }
            RunLog.current().ifPresent(log -> log.warn(level + " " + name, text, thrown));
        }
    }

    /**
     * sshj's port forwarding copies each forwarded connection with two threads; when one side ends
     * (the client or the service hangs up, or oth closes the forward) the other thread's socket is
     * closed under it and sshj says so at ERROR, with a stack trace, for every connection (its
     * copier, then the promise that waited for it). So does oth's own disconnect at the end of a
     * run for a connection whose service has not hung up yet (and the channel's close); and the
     * copier that writes what the service still sends to oth's own client, when that client has
     * hung up already (a broken pipe). That is how forwarded connections end, not a failure: what
     * failed shows in the client that used the forward. A connection the node could not open (a
     * service still starting refuses its first clients, and oth tries again) reaches oth's forward
     * as an exception, and the forward logs it in its own words; one to a node's SSH port through
     * the bastion reaches oth's connect, which reports the node unreachable: sshj's ERROR is an echo.
     */
    static boolean endOfForwardedConnection(String logger, String text, Throwable thrown) {
        return switch (logger) {
            case "net.schmizz.sshj.common.StreamCopier" -> thrown instanceof java.net.SocketException && "Socket closed".equals(thrown.getMessage())
                    || thrown instanceof java.net.SocketException && "Broken pipe".equals(thrown.getMessage()) && text.startsWith("In pipe from < ChannelInputStream ")
                    || ownDisconnect(thrown);
            case "net.schmizz.concurrent.Promise" -> thrown == null && text.startsWith("<<") && ENDS.stream().anyMatch(e -> text.endsWith(">> woke to: " + e))
                    || thrown == null && text.equals("<<copyDone>> woke to: java.net.SocketException: Broken pipe")
                    || thrown == null && CHANNEL_NOT_OPENED.matcher(text).lookingAt();
            case "net.schmizz.sshj.common.IOUtils" -> text.startsWith("Error closing") && ownDisconnect(thrown);
            default -> false;
        };
    }

    /**
     * How sshj's waits end when a forwarded connection ends: its socket closed, or oth's own
     * disconnect at the end of a run taking down a connection whose service had not hung up yet
     * (the transport's exception, and the connection's, which carries its message).
     */
    /** sshj's promise of a forwarded connection's channel, woken by the node's refusal to open it. */
    private static final java.util.regex.Pattern CHANNEL_NOT_OPENED = java.util.regex.Pattern.compile("<<chan#\\d+ / open>> woke to: Opening `direct-tcpip` channel failed: ");

    private static final List<String> ENDS = List.of("java.net.SocketException: Socket closed",
            "net.schmizz.sshj.transport.TransportException: [BY_APPLICATION] Disconnected", "net.schmizz.sshj.connection.ConnectionException: Disconnected");

    /**
     * Whether {@code thrown} is oth's own disconnect (sshj's exception, by its name only: the SSH
     * library is io.oth.remote.ssh's alone, with reason "by application"), or one it caused.
     */
    private static boolean ownDisconnect(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String said = t.toString();
            if (said.startsWith("net.schmizz.sshj.") && said.contains(": [BY_APPLICATION] ")) {
                return true;
            }
        }
        return false;
    }
}
