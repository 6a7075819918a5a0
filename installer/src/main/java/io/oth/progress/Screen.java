package io.oth.progress;

import java.io.IOException;
import java.io.Writer;

/**
 * Where a run's text reaches the screen: straight to stdout and stderr, or, while a
 * {@link TerminalStatus} is shown, whole line by whole line above its status lines. It sits beneath
 * the run log's tee, so the log gets what the run printed and never a status line.
 */
public final class Screen {
    private final Writer out;
    private final Writer err;
    private final Stream outStream;
    private final Stream errStream;
    private volatile TerminalStatus status;

    public Screen(Writer out, Writer err) {
        this.out = out;
        this.err = err;
        this.outStream = new Stream(out, false);
        this.errStream = new Stream(err, true);
    }

    /** What the run prints on stdout. */
    public Writer out() {
        return outStream;
    }

    /** What the run prints on stderr. */
    public Writer err() {
        return errStream;
    }

    Writer rawOut() {
        return out;
    }

    /** From now on, lines go above {@code shown}'s status lines. */
    void show(TerminalStatus shown) {
        status = shown;
    }

    /** Back to plain lines; a line begun and not ended goes out as it is. */
    void plain() {
        status = null;
        outStream.release();
        errStream.release();
    }

    private final class Stream extends Writer {
        private final Writer target;
        private final boolean stderr;
        private final StringBuilder line = new StringBuilder();

        Stream(Writer target, boolean stderr) {
            this.target = target;
            this.stderr = stderr;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            TerminalStatus shown = status;
            if (shown == null) {
                synchronized (this) {
                    target.write(chars, offset, length);
                }
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                String whole = null;
                synchronized (this) {
                    if (chars[i] == '\n') {
                        whole = line.toString();
                        line.setLength(0);
                    } else {
                        line.append(chars[i]);
                    }
                }
                if (whole != null) {
                    shown.above(whole, target, stderr);
                }
            }
        }

        synchronized void release() {
            try {
                target.write(line.toString());
                target.flush();
            } catch (IOException ignored) {
                // the screen is gone; the log has the text
            }
            line.setLength(0);
        }

        @Override
        public void flush() throws IOException {
            if (status == null) {
                target.flush();
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
