package io.oth.remote;

import io.oth.secret.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A remote command as a value: arguments are quoted for a POSIX shell by {@link #render}, never
 * concatenated by callers, and {@link Secret} arguments print as {@code ***}.
 *
 * <p>A command that holds a secret is not sent as the SSH exec line (which the node's logs and
 * process list would show for the whole session): {@link #hasSecret()} tells the transport to feed
 * it to {@code sh -s} on stdin instead. The program it starts still gets the secret in its argv, so
 * operations hand secrets to programs through files or stdin, never as arguments.
 */
public final class Command {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    /** How much of a command a message shows. */
    private static final int BRIEF = 60;

    private final List<Object> parts;
    private final String shellScript;

    private Command(List<Object> parts, String shellScript) {
        this.parts = List.copyOf(parts);
        this.shellScript = shellScript;
    }

    /** A program and its arguments; each argument is a String or a {@link Secret}. */
    public static Command of(Object... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        for (Object part : argv) {
            if (!(part instanceof String) && !(part instanceof Secret)) {
                throw new IllegalArgumentException("command parts are strings or secrets, not " + part.getClass());
            }
        }
        return new Command(List.of(argv), null);
    }

    /** A shell script written by oth itself (constant text; put variable values through {@link #quote}). */
    public static Command shell(String script) {
        return new Command(List.of(), script);
    }

    public boolean hasSecret() {
        return parts.stream().anyMatch(Secret.class::isInstance);
    }

    /** The line to execute; with {@code reveal} false, secrets show as {@code ***}. */
    public String render(boolean reveal) {
        if (shellScript != null) {
            return "sh -c " + quote(shellScript);
        }
        List<String> words = new ArrayList<>(parts.size());
        for (Object part : parts) {
            String text = part instanceof Secret s ? (reveal ? s.reveal() : s.toString()) : (String) part;
            words.add(part instanceof Secret && !reveal ? text : quote(text));
        }
        return String.join(" ", words);
    }

    /** Quotes one word for a POSIX shell. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    /** The command on one short line, as a message names it: a script by its size and first line, cut. */
    public String brief() {
        List<String> lines = (shellScript != null ? shellScript : toString()).lines().toList();
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        String cut = first.length() > BRIEF ? first.substring(0, BRIEF) + "…" : first;
        return shellScript == null ? cut : "a " + lines.size() + "-line shell script (" + cut + ")";
    }

    @Override
    public String toString() {
        return render(false);
    }
}
