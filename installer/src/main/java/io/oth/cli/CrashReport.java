package io.oth.cli;

import io.oth.runlog.RunLog;
import io.oth.secret.PrivateFiles;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An internal error (a bug in oth, or the JVM out of memory or stack) as one line on the screen,
 * with its stack trace in a file only the user can read, named in that line: what a bug report
 * needs, without a screenful nobody can act on.
 */
final class CrashReport {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private CrashReport() {
    }

    /**
     * Reports {@code error} to {@code err} and writes its details under {@code dir}, and into the
     * run's log when it has one (named in the line too); the exit code to end with.
     */
    static int report(Throwable error, PrintWriter err, Supplier<Path> dir, RunLog log) {
        String what = oneLine(error);
        Optional<Path> logged = Optional.empty();
        try {
            log.trace(error);
            logged = log.path();
        } catch (Throwable unlogged) {
            // the crash file below still gets it
        }
        String inLog = logged.map(p -> "; run log " + p).orElse("");
        try {
            Path file = dir.get().resolve("crash-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-" + ProcessHandle.current().pid() + ".log");
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            PrivateFiles.write(file, trace.toString());
            err.println("oth: internal error: " + what + " (details in " + file + inLog + ")");
        } catch (Throwable unwritten) {
            // Out of memory or of disk: the one line is all there is.
            err.println("oth: internal error: " + what + " (the details could not be written: " + oneLine(unwritten) + inLog + ")");
        }
        err.flush();
        return ExitCode.SOFTWARE.code();
    }

    /** The error and, when it only wraps another (ExceptionInInitializerError, ExecutionException), what it wraps. */
    private static String oneLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == error ? error.toString() : error.getClass().getName() + ", caused by " + root;
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline) + " ...";
    }
}
