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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * oth's SLF4J binding: what sshj, the MariaDB and AMQP clients and dnsjava log at WARN or above
 * goes into the run's log ({@link RunLog#current()}), never to the screen; below WARN, and outside
 * a run, it is dropped. A few classes instead of a logging framework.
 */
public final class LibraryLogging implements SLF4JServiceProvider {
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
            RunLog.current().ifPresent(log -> log.warn(level + " " + name, text, thrown));
        }
    }
}
